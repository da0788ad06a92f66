#!/usr/bin/env bash
# Installs the MinIO server the @volumes/s3 tests and benchmarks run on, into
# ${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin}, or reuses the binary already there.
# MinIO is distributed as source only: it is built with `go install` (a few minutes).
# Alternatives: VOLUMES_S3_ENDPOINT (+ VOLUMES_S3_ACCESS_KEY, VOLUMES_S3_SECRET_KEY) naming
# a running S3-compatible server, or a Docker engine (the testkit then uses a container).
set -euo pipefail
bin_dir=${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin}
binary="$bin_dir/minio"
mkdir -p "$bin_dir"

if [ -x "$binary" ]; then
  echo "minio already in $bin_dir"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "minio needs Go to build (https://go.dev/dl/); or set VOLUMES_S3_ENDPOINT to a running S3-compatible server" >&2
  exit 1
fi
echo "building minio (go install github.com/minio/minio@latest; takes a few minutes)"
GOBIN="$bin_dir" go install github.com/minio/minio@latest
echo "minio installed in $bin_dir"
