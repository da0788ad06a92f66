#!/usr/bin/env bash
# Installs the real services the tests need (MinIO, fake-gcs-server, redis-server, rclone,
# toxiproxy, a Docker engine for the container tests...)
# where they are missing. Built binaries are cached outside the repo in
# ${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin} and reused on later runs.
# Each service has its own script in scripts/install/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export VOLUMES_BIN_DIR=${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin}
mkdir -p "$VOLUMES_BIN_DIR"
for script in "$here"/install/*.sh; do
  [ -e "$script" ] || continue
  echo "== $(basename "$script" .sh)"
  bash "$script"
done
