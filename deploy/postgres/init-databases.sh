#!/usr/bin/env bash
# Creates one database and one login role per service, so every service owns its data and no service can
# connect to another's database (ARCHITECTURE.md: database per service).
#
# The postgres image runs this once, from /docker-entrypoint-initdb.d, when its data volume is empty.
# SERVICE_DATABASES names the databases ("users catalog orders"); role <name> owns database <name> and logs in
# with the password in <NAME>_DB_PASSWORD. To add a database to an existing volume, run this script again
# inside the container with only the new name, or start from an empty volume (`docker compose down -v`).
set -euo pipefail

create_service_database() {
  local name=$1
  local password_variable="${name^^}_DB_PASSWORD"
  local password=${!password_variable:-}
  if [[ ! $name =~ ^[a-z][a-z0-9_]*$ ]]; then
    echo "init-databases: '$name' is not a database name: use lowercase letters, digits and _" >&2
    return 1
  fi
  if [[ -z $password ]]; then
    echo "init-databases: $password_variable is not set: give the $name role a password" >&2
    return 1
  fi
  # psql's :"name" and :'password' quote the values as an identifier and a literal.
  psql -v ON_ERROR_STOP=1 --quiet --dbname postgres -v name="$name" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
  echo "init-databases: created database $name, owned by role $name"
}

for database in ${SERVICE_DATABASES:?set SERVICE_DATABASES to the service databases to create, e.g. "users catalog orders"}; do
  create_service_database "$database"
done
