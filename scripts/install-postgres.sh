#!/usr/bin/env bash
# Install Debian's PostgreSQL server binaries for the storage and replica tests (tests/storage, tests/serving).
# The tests start a temporary cluster of their own on loopback (as the `postgres` user when run as root);
# the package's own cluster and service are never used.
# Usage: scripts/install-postgres.sh      (does nothing when initdb is already there)
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "postgresql already installed: $(ls -d /usr/lib/postgresql/*/bin/initdb | head -1)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-postgres: apt-get not found; install Debian's 'postgresql' package by hand" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "install-postgres: not root and no password-less sudo; run 'apt-get install postgresql' as root" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o DPkg::Lock::Timeout=900 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install "${APT_OPTS[@]}" --no-install-recommends postgresql

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "install-postgres: apt-get finished but no /usr/lib/postgresql/*/bin/initdb" >&2
  exit 1
fi
echo "installed: $(ls -d /usr/lib/postgresql/*/bin/initdb | head -1)"
