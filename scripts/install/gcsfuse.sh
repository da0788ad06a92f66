#!/usr/bin/env bash
# Installs gcsfuse (the GCS FUSE client the @volumes/gcs interop tests mount over
# fake-gcs-server) into ${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin}, or reuses the
# binary already there. Built from source with `go install` (a few minutes); v3.11.4 is
# the newest tag this machine's Go builds. Mounting also needs fuse3 (scripts/install/fuse.sh).
set -euo pipefail
bin_dir=${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin}
version=${GCSFUSE_VERSION:-v3.11.4}
binary="$bin_dir/gcsfuse"
mkdir -p "$bin_dir"

if [ -x "$binary" ]; then
  echo "gcsfuse already in $bin_dir"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "gcsfuse needs Go to build (https://go.dev/dl/)" >&2
  exit 1
fi
echo "building gcsfuse (go install github.com/googlecloudplatform/gcsfuse/v3@$version; takes a few minutes)"
GOBIN="$bin_dir" go install "github.com/googlecloudplatform/gcsfuse/v3@$version"
echo "gcsfuse installed in $bin_dir"
