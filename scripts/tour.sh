#!/usr/bin/env bash
# A scripted tour of the `volumes` CLI on the embedded default store: a fresh,
# temporary local directory (VOLUMES_HOME), no services. Run it with `npm run tour`
# (which builds first). Prints each command before running it; exits 0.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$repo/packages/cli/dist/bin.js"
if [[ ! -f "$bin" ]]; then
  echo "tour: $bin is missing; build first with 'npm run build' (or run 'npm run tour')" >&2
  exit 1
fi

unset VOLUMES_STORE
VOLUMES_HOME="$(mktemp -d "${TMPDIR:-/tmp}/volumes-tour-home.XXXXXX")"
export VOLUMES_HOME
work="$(mktemp -d "${TMPDIR:-/tmp}/volumes-tour-work.XXXXXX")"
trap 'rm -rf "$VOLUMES_HOME" "$work"' EXIT

volumes() { node "$bin" "$@"; }

if [[ -t 1 ]]; then bold=$'\033[1m' dim=$'\033[2m' plain=$'\033[0m'; else bold='' dim='' plain=''; fi

# Prints a command, then runs it.
step() {
  printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"
  "$@"
}

# Prints a command that is meant to fail, runs it, and shows its exit status.
fails() {
  printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"
  local status=0
  "$@" || status=$?
  if [[ $status -eq 0 ]]; then
    echo "tour: expected that command to fail" >&2
    exit 1
  fi
  printf '%s(exit status %d: the error is one line on stderr, and the tour goes on)%s\n' "$dim" "$status" "$plain"
}

note() { printf '\n%s# %s%s\n' "$dim" "$*" "$plain"; }

# A small project to copy in: this repository's core sources, 400 data files of 4 KiB
# (enough for the progress bar to show on a terminal) and two files of our own.
cd "$work"
mkdir -p project/data
cp -R "$repo/packages/core/src" project/src
head -c 1638400 /dev/urandom | split -b 4096 -a 3 - project/data/part-
printf 'Hello from a volume!\nThis file went to object storage and back.\n' > project/README.txt
printf '#!/bin/sh\necho "running from a volume"\n' > project/run.sh

note "The store is a fresh local directory: VOLUMES_HOME=$VOLUMES_HOME"
step volumes create tour-demo --size 2 --label purpose=tour
step volumes list

note "Copy a directory in: files go up concurrently, with a progress bar on a terminal."
step volumes cp -r project tour-demo:/project
step volumes ls -l tour-demo:/project
step volumes ls tour-demo:/project/src
step volumes cat tour-demo:/project/README.txt

note "POSIX attributes live in each object's metadata (decimal st_mode, uid, gid, ns times)."
step volumes chmod 755 tour-demo:/project/run.sh
step volumes chown 1000:1000 tour-demo:/project/run.sh
step volumes stat tour-demo:/project/run.sh
step volumes mv tour-demo:/project/README.txt tour-demo:/project/NOTES.txt
step volumes ls -l tour-demo:/project

note "Errors are typed, like node:fs errors: one line, exit status 1 (2 for bad usage)."
fails volumes cat tour-demo:/project/README.txt
fails volumes cat tour-demo:/../etc/passwd
fails volumes rm tour-demo:/project
fails volumes ls --colour tour-demo:/

note "Copy everything back out and compare it with the original."
step volumes mv tour-demo:/project/NOTES.txt tour-demo:/project/README.txt
step volumes cp -r tour-demo:/project restored
step diff -r project restored
echo "identical: the copy that went through the volume matches the original"

step volumes info tour-demo
step volumes destroy tour-demo
step volumes list

printf '\n%sTour done.%s Try it yourself: node packages/cli/dist/bin.js --help\n' "$bold" "$plain"
