#!/usr/bin/env bash
# Installs redis-server and redis-cli (Debian packages redis-server, redis-tools) for the
# @volumes/redis tests: a single server and a 3-master Redis Cluster started by the testkit.
# Does nothing when both are already on PATH. Alternatives: VOLUMES_REDIS_URL (a running
# server), VOLUMES_REDIS_CLUSTER_NODES (host:port,... of a running cluster), or a Docker engine.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
  echo "redis-server and redis-cli already installed: $(redis-server --version | cut -d' ' -f3)"
  exit 0
fi
sudo=''
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=sudo; else echo "need root (or sudo) to apt-get install redis-server redis-tools" >&2; exit 1; fi
fi
$sudo apt-get update
$sudo apt-get install -y redis-server redis-tools
# The package may start a system service on 6379; the tests never use it (they start their own on free ports).
echo "installed: $(redis-server --version | cut -d' ' -f3)"
