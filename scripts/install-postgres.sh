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

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
apt_install install-postgres postgresql

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "install-postgres: apt-get finished but no /usr/lib/postgresql/*/bin/initdb" >&2
  exit 1
fi
echo "installed: $(ls -d /usr/lib/postgresql/*/bin/initdb | head -1)"
