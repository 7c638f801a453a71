#!/usr/bin/env bash
# Install Debian's nginx for the replica tests (tests/serving): they run it in the foreground with a
# generated configuration on loopback ports; the package's own service is never used.
# Usage: scripts/install-nginx.sh      (does nothing when nginx is already there)
set -euo pipefail

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  echo "nginx already installed: $( (nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1) | head -1)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-nginx: apt-get not found; install Debian's 'nginx' package by hand" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "install-nginx: not root and no password-less sudo; run 'apt-get install nginx' as root" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o DPkg::Lock::Timeout=900 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install "${APT_OPTS[@]}" --no-install-recommends nginx

if [ ! -x /usr/sbin/nginx ]; then
  echo "install-nginx: apt-get finished but /usr/sbin/nginx is missing" >&2
  exit 1
fi
echo "installed: $(/usr/sbin/nginx -v 2>&1)"
