#!/usr/bin/env bash
# Starts and stops the Docker engine the container tests use.
#   docker/dockerd.sh start      starts dockerd and prints its PID once `docker info` answers;
#                                prints nothing when an engine already answers (not ours to stop)
#   docker/dockerd.sh stop PID   stops that dockerd (SIGTERM, SIGKILL after 30 s); no PID, no-op
# No bridge network and no iptables rules: every test container runs in host network mode on
# loopback, and this machine's network is not ours to rewrite. Log: ${TMPDIR:-/tmp}/volumes-dockerd.log
set -euo pipefail
log=${TMPDIR:-/tmp}/volumes-dockerd.log

answers() { timeout 5 docker info >/dev/null 2>&1; }

start() {
  if answers; then return 0; fi
  local driver
  for driver in '' vfs; do
    dockerd --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
      ${driver:+--storage-driver "$driver"} >>"$log" 2>&1 </dev/null &
    local pid=$!
    for _ in $(seq 1 60); do
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      if answers; then echo "$pid"; return 0; fi
      sleep 1
    done
    echo "dockerd ${driver:+(storage driver $driver) }did not come up; tail of $log:" >&2
    tail -n 20 "$log" >&2
    stop "$pid"
  done
  return 1
}

stop() {
  local pid=${1:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop PID" >&2; exit 2 ;;
esac
