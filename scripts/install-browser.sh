#!/usr/bin/env bash
# Install Debian's Chromium for the end-to-end browser tests (tests/ui/test_browser.py).
# Playwright's Python package drives it with executable_path=/usr/bin/chromium: no browser download
# (`playwright install` is never used; it fetches builds from a CDN that closed networks cannot reach).
# Usage: scripts/install-browser.sh      (does nothing when /usr/bin/chromium is already there)
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  echo "chromium already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
# Fonts: without a CJK font the screenshots show Chinese as boxes (the page only names system fonts).
apt_install install-browser chromium fonts-noto-cjk

if [ ! -x "$CHROMIUM" ]; then
  echo "install-browser: apt-get finished but $CHROMIUM is missing" >&2
  exit 1
fi
echo "installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
