#!/usr/bin/env bash
# Compose smoke test: checks Prometheus' configuration and rules with promtool (the alerts' unit tests
# included), builds the images, starts the whole system with `docker compose` on PostgreSQL together with
# Prometheus (docker-compose.observability.yml, no profiles), checks from the host that a user can sign in
# through the REST API and through the GraphQL gateway (tools/ci/smoke-checks.mjs), then that Prometheus
# scrapes every process, loaded the alerts and sees the smoke traffic (tools/ci/observability-checks.mjs), then
# runs orders-service as two replicas and each edge as two instances (copies of rest-api and graphql-gateway on
# 127.0.0.1:3100 and :4100), scales catalog-service to three replicas and checks that its callers spread their
# gRPC calls over all of them and that stopping one loses nothing (tools/ci/scale-checks.mjs), then that every
# watcher of an order, over SSE on both REST instances and over a subscription on both gateways, sees each status
# change exactly once and in order, with both orders-service replicas serving watches
# (tools/ci/replica-events-checks.mjs), and always removes the stack and its volumes afterwards.
#
#   bash tools/ci/compose-smoke.sh          # needs a Docker engine with Compose v2, and Node 24
#
# SMOKE_WAIT_TIMEOUT (seconds, default 900) bounds the build and start-up. SMOKE_PROJECT names the compose
# project (default triad-smoke); SMOKE_EXTRA_CHECK is a command run after the checks, while the stack is up;
# SMOKE_SCALE_CHECK=0 leaves out the replica checks.
set -euo pipefail
cd "$(dirname "$0")/../.."

# A project of its own, so that `down -v` below never removes the containers or the database volume of a
# stack someone started with plain `docker compose up`.
project=${SMOKE_PROJECT:-triad-smoke}
compose=(docker compose --project-name "$project" --ansi never -f docker-compose.yml -f docker-compose.observability.yml)
ports=(4000 3000 4001 4002 4003 50051 50052 50053 9090 3100 4100)
prometheus_image=prom/prometheus:v2.53.3

log() { printf '[compose-smoke] %s\n' "$*"; }

if ! docker info >/dev/null 2>&1; then
  log "no Docker engine answers: start one (on these machines: bash ../shared/docker/setup.sh) and run again"
  exit 1
fi
for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port on 127.0.0.1 is in use: stop what holds it (a running stack: docker compose down) and run again"
    exit 1
  fi
done

# promtool from the Prometheus image the overlay runs, on the files as the container mounts them, so that a
# broken rule fails in seconds rather than after the build. `check config` checks every rule file it loads.
promtool() {
  docker run --rm --network none -v "$PWD/deploy/observability:/etc/prometheus:ro" --entrypoint promtool "$prometheus_image" "$@"
}
log "checking Prometheus' configuration, rules and alert tests with promtool"
promtool check config /etc/prometheus/prometheus.yml
promtool test rules /etc/prometheus/rules/triad.rules.test.yml

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ $status -ne 0 ]]; then
    log "failed; state and recent logs of the stack:"
    "${compose[@]}" ps --all || true
    "${compose[@]}" logs --no-color --tail 80 || true
  fi
  log "removing the stack: ${compose[*]} down --volumes --remove-orphans"
  "${compose[@]}" down --volumes --remove-orphans --timeout 20 >/dev/null 2>&1 || log "could not remove the stack; run the command above"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "building and starting every service of docker-compose.yml, and Prometheus (waiting until healthy)"
started=$SECONDS
"${compose[@]}" --progress plain up --build --detach --wait --wait-timeout "${SMOKE_WAIT_TIMEOUT:-900}"
log "stack healthy after $((SECONDS - started))s"
"${compose[@]}" ps

node tools/ci/smoke-checks.mjs
if [[ -n ${SMOKE_EXTRA_CHECK:-} ]]; then
  log "running: $SMOKE_EXTRA_CHECK"
  bash -c "$SMOKE_EXTRA_CHECK"
fi
node tools/ci/observability-checks.mjs

if [[ ${SMOKE_SCALE_CHECK:-1} == 0 ]]; then
  log "replicas: left out (SMOKE_SCALE_CHECK=0)"
else
  # First the callers switch to round-robin (and catalog-service and orders-service give up their host ports),
  # orders-service runs as two replicas and each edge gets a second instance; then two catalog-service replicas
  # join the running system: the callers must find them by themselves.
  # From here on the overlay is part of the stack, so that a failure shows the copies' state and logs too.
  compose+=(-f tools/ci/compose-scale.yml)
  log "balancing round-robin, orders-service as two replicas, a second rest-api and graphql-gateway (tools/ci/compose-scale.yml)"
  "${compose[@]}" up --detach --wait --wait-timeout 300 --no-deps --scale orders-service=2 \
    catalog-service orders-service rest-api rest-api-2 graphql-gateway graphql-gateway-2
  log "scaling catalog-service to three replicas"
  "${compose[@]}" up --detach --wait --wait-timeout 300 --no-deps --scale catalog-service=3 catalog-service
  node tools/ci/scale-checks.mjs "$project"
  node tools/ci/replica-events-checks.mjs "$project"
fi
