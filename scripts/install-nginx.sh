#!/usr/bin/env bash
# Install Debian's nginx for the replica tests (tests/serving): they run it in the foreground with a
# generated configuration on loopback ports; the package's own service is never used.
# Usage: scripts/install-nginx.sh      (does nothing when nginx is already there)
set -euo pipefail

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  echo "nginx already installed: $( (nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1) | head -1)"
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
apt_install install-nginx nginx

if [ ! -x /usr/sbin/nginx ]; then
  echo "install-nginx: apt-get finished but /usr/sbin/nginx is missing" >&2
  exit 1
fi
echo "installed: $(/usr/sbin/nginx -v 2>&1)"
