#!/usr/bin/env bash
# Proves the service generator end to end, in a throwaway copy of this workspace (node_modules included, so
# nothing is installed): `npx nx g @triad/tools:service reviews`, then the new service's lint, type check and
# tests, the checks every shared file must pass (registry drift, proto lint, supergraph and public schema),
# then the whole system under `npm start` and under docker compose, where the new service must answer over gRPC
# (reflection) and through the gateway (tools/ci/generated-service-checks.mjs). Last, `remove-service` must
# leave the copy exactly as it was.
#
#   bash tools/ci/generator-check.sh        # Node 24 and a built-free checkout after npm ci; Docker for compose
#
# GENERATOR_CHECK_COMPOSE=0 leaves out the compose part (it is also left out, with a line saying so, where no
# Docker engine answers).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
name=reviews
resource=review
scratch=$(mktemp -d)
copy=$scratch/triad
start_pid=

log() { printf '[generator-check] %s\n' "$*"; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n $start_pid ]]; then kill -INT -- "-$start_pid" 2>/dev/null || true; wait "$start_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "copying the workspace to $copy"
cp -a "$root" "$copy"
cd "$copy"
rm -rf .data
state() { git status --porcelain --untracked-files=all; git diff; }
before=$(state | sha256sum)

log "generating $name-service"
npx nx g @triad/tools:service "$name" --no-interactive

log "checking it as npm test would"
npx nx run-many -t lint typecheck test --projects="$name-service,platform,k8s" --outputStyle=static
npx nx run-many -t supergraph-check schema-check --projects=graphql-gateway --outputStyle=static
npm run proto:lint
npm run proto:check

wait_ready() {
  local url=$1 deadline=$((SECONDS + 600))
  until node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$url"; do
    if ! kill -0 "$start_pid" 2>/dev/null; then log "npm start ended before $url was ready"; return 1; fi
    if ((SECONDS > deadline)); then log "$url never became ready"; return 1; fi
    sleep 1
  done
}

log "starting the whole system with npm start (it builds first)"
# In a process group of its own, so that Ctrl-C's SIGINT reaches npm start as from a terminal.
setsid npm start >"$scratch/start.log" 2>&1 &
start_pid=$!
wait_ready http://127.0.0.1:4000/readyz || { tail -50 "$scratch/start.log"; exit 1; }
wait_ready http://127.0.0.1:4004/readyz || { tail -50 "$scratch/start.log"; exit 1; }
node tools/ci/generated-service-checks.mjs "$name" "$resource" http://127.0.0.1:4000 127.0.0.1:50054 http://127.0.0.1:4004
kill -INT -- "-$start_pid"
wait "$start_pid" || true
start_pid=

if [[ ${GENERATOR_CHECK_COMPOSE:-1} == 0 ]]; then
  log "compose: left out (GENERATOR_CHECK_COMPOSE=0)"
elif ! docker info >/dev/null 2>&1; then
  log "compose: left out, no Docker engine answers"
else
  log "starting the system with docker compose, $name-service included"
  SMOKE_PROJECT=triad-generated SMOKE_SCALE_CHECK=0 SMOKE_EXTRA_CHECK="node tools/ci/generated-service-checks.mjs $name $resource http://127.0.0.1:4000 127.0.0.1:50054 http://127.0.0.1:4004" \
    bash tools/ci/compose-smoke.sh
fi

log "removing $name-service"
npx nx g @triad/tools:remove-service "$name" --no-interactive
rm -rf .data
after=$(state | sha256sum)
if [[ $before != "$after" ]]; then
  log "removing the service did not give the workspace back as it was:"
  git status --short
  git diff --stat
  exit 1
fi
log "generated, checked, run and removed $name-service; the workspace is as it was"
