#!/usr/bin/env bash
# Builds the local images the testkit's container path runs (testcontainers, host network):
#   volumes-test/minio:local            from $VOLUMES_BIN_DIR/minio
#   volumes-test/fake-gcs-server:local  from $VOLUMES_BIN_DIR/fake-gcs-server
#   volumes-test/redis-server:local     from redis-server on PATH (Debian)
# FROM scratch with the binary and the libraries `ldd` lists, because no registry is reachable
# to pull a base image. Needs a running Docker engine (scripts/install/docker.sh, docker/dockerd.sh).
# Usage: docker/build-images.sh [name...]   (default: all three)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin_dir=${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(minio fake-gcs-server redis-server)

binary_of() {
  if [ -x "$bin_dir/$1" ]; then echo "$bin_dir/$1"; else command -v "$1" || true; fi
}

for name in "${names[@]}"; do
  binary=$(binary_of "$name")
  if [ -z "$binary" ]; then echo "no $name binary (scripts/install-test-services.sh builds it)" >&2; exit 1; fi
  context=$(mktemp -d)
  trap 'rm -rf "$context"' EXIT
  root="$context/rootfs"
  mkdir -p "$root/tmp" "$root/data"
  chmod 1777 "$root/tmp"
  cp -L "$binary" "$root/$name"
  # Shared libraries (none for a static Go binary): `ldd` prints "lib => /path (addr)" or "/path (addr)".
  for lib in $(ldd "$binary" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  cp "$here/images/Dockerfile" "$context/Dockerfile"
  # The legacy builder: BuildKit needs the buildx plugin, which Debian's docker.io does not ship.
  if ! DOCKER_BUILDKIT=0 docker build --quiet --label "volumes.binary=$binary" -t "volumes-test/$name:local" "$context" >"$context/build.log" 2>&1; then
    cat "$context/build.log" >&2
    exit 1
  fi
  echo "built volumes-test/$name:local from $binary ($(du -sh "$root" | cut -f1))"
  rm -rf "$context"
  trap - EXIT
done
