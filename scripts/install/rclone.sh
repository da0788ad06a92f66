#!/usr/bin/env bash
# Installs rclone (Debian package) for the S3 benchmark (bench/s3), which compares
# `uploadDirectory` with `rclone copy` of the same directory. Does nothing when rclone is on PATH.
set -euo pipefail
if command -v rclone >/dev/null 2>&1; then
  echo "rclone already installed: $(rclone version 2>/dev/null | head -n1)"
  exit 0
fi
sudo=''
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=sudo; else echo "need root (or sudo) to apt-get install rclone" >&2; exit 1; fi
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq rclone >/dev/null
echo "installed: $(rclone version 2>/dev/null | head -n1)"
