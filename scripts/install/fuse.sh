#!/usr/bin/env bash
# Installs what the FUSE mount tests (packages/fuse, `volumes mount`) need: fuse3 (fusermount),
# s3fs (the pjdfstest comparison in docs/mount.md), and pjdfstest, the POSIX file-system test
# suite (BSD-2-Clause, github.com/pjd/pjdfstest commit 85a8aea, source vendored beside this
# script), built once into $VOLUMES_BIN_DIR/pjdfstest. Does nothing that is already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin_dir=${VOLUMES_BIN_DIR:-$HOME/.cache/volumes-bin}
sudo=''
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=sudo; else echo "need root (or sudo) to apt-get install fuse3" >&2; exit 1; fi
fi
missing=()
command -v fusermount3 >/dev/null 2>&1 || missing+=(fuse3)
command -v s3fs >/dev/null 2>&1 || missing+=(s3fs)
for tool in autoconf automake gcc make; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
command -v prove >/dev/null 2>&1 || missing+=(perl)
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "installed: ${missing[*]}"
else
  echo "fuse3, s3fs and the pjdfstest build tools already installed"
fi
dest="$bin_dir/pjdfstest"
if [ -x "$dest/pjdfstest" ]; then echo "pjdfstest already built in $dest"; exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar xzf "$here/pjdfstest-src.tar.gz" -C "$tmp"
(cd "$tmp/pjdfstest" && autoreconf -ifs >/dev/null 2>&1 && ./configure >/dev/null && make -s >/dev/null)
mkdir -p "$dest" && cp -r "$tmp/pjdfstest/pjdfstest" "$tmp/pjdfstest/tests" "$dest/"
echo "pjdfstest built in $dest"
