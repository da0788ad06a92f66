#!/usr/bin/env bash
# Installs fake-gcs-server (the GCS emulator the @volumes/gcs tests run on) into
# ${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin}, or reuses the binary already there
# when it is the pinned version. A stamp file beside the binary records its version.
#
# Pinned: v1.56.1, the newest release (2026-08-24). It honours ifGenerationMatch on
# simple (uploadType=media, fixed in v1.56.0), multipart and resumable uploads
# (preconditions carried from the session to its final PUT). It does NOT yet honour
# preconditions on PATCH, rewrite/copy or delete, and never moves metageneration:
# that fix (fsouza/fake-gcs-server#2343) was merged after v1.56.1 and is unreleased.
# packages/gcs/test/emulator-canary.test.ts checks all of this.
set -euo pipefail
version=v1.56.1
bin_dir=${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin}
binary="$bin_dir/fake-gcs-server"
stamp="$binary.version"
mkdir -p "$bin_dir"

if [ -x "$binary" ]; then
  current=$(cat "$stamp" 2>/dev/null || true)
  # A binary built before stamps existed: read the module version Go embedded in it.
  if [ -z "$current" ] && command -v go >/dev/null 2>&1; then
    current=$(go version -m "$binary" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/fsouza/fake-gcs-server" { print $3 }')
    [ -n "$current" ] && echo "$current" >"$stamp"
  fi
  if [ "$current" = "$version" ]; then
    echo "fake-gcs-server $version already in $bin_dir"
    exit 0
  fi
  echo "fake-gcs-server in $bin_dir is ${current:-of unknown version}, want $version: rebuilding"
fi

if ! command -v go >/dev/null 2>&1; then
  echo "fake-gcs-server needs Go to build (https://go.dev/dl/); or set VOLUMES_GCS_ENDPOINT to a running emulator" >&2
  exit 1
fi
echo "building fake-gcs-server $version (takes a few minutes)"
GOBIN="$bin_dir" go install "github.com/fsouza/fake-gcs-server@$version"
echo "$version" >"$stamp"
echo "fake-gcs-server $version installed in $bin_dir"
