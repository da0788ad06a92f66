#!/usr/bin/env bash
# Installs toxiproxy-server (Shopify's TCP fault proxy: latency, bandwidth, cut connections,
# a peer that stops answering) for the *fault-proxy* tests, into
# ${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin}, or reuses the binary already there when it is
# the pinned version (stamp file beside it). Built with `go install` (about a minute).
set -euo pipefail
version=v2.12.0
bin_dir=${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin}
binary="$bin_dir/toxiproxy-server"
stamp="$binary.version"
mkdir -p "$bin_dir"

if [ -x "$binary" ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$version" ]; then
  echo "toxiproxy-server $version already in $bin_dir"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "toxiproxy-server needs Go to build (https://go.dev/dl/)" >&2
  exit 1
fi
echo "building toxiproxy-server $version"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
# The module's server command is cmd/server, so `go install` names the binary `server`.
GOBIN="$build" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$version"
mv "$build/server" "$binary"
echo "$version" >"$stamp"
echo "toxiproxy-server $version installed in $bin_dir"
