#!/usr/bin/env bash
# Installs a Docker engine (Debian's docker.io: dockerd, containerd, runc) for the testkit's
# container path: the conformance suites run once through containers that testcontainers starts
# in host network mode. Nothing here starts it: docker/dockerd.sh does (CI: .ci/run), and
# docker/build-images.sh builds the images from the binaries the other scripts cache.
# Does nothing when dockerd is already installed.
set -euo pipefail
if command -v dockerd >/dev/null 2>&1; then
  echo "dockerd already installed: $(dockerd --version)"
  exit 0
fi
sudo=''
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=sudo; else echo "need root (or sudo) to apt-get install docker.io" >&2; exit 1; fi
fi
$sudo apt-get update
# The package tries to start a system service; policy-rc.d may refuse, which is fine: docker/dockerd.sh starts it.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends docker.io
echo "installed: $(dockerd --version)"
