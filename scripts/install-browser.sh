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

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: apt-get not found; install Debian's 'chromium' package by hand" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "install-browser: not root and no password-less sudo; run 'apt-get install chromium' as root" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
# Fonts: without a CJK font the screenshots show Chinese as boxes (the page only names system fonts).
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install "${APT_OPTS[@]}" --no-install-recommends chromium fonts-noto-cjk

if [ ! -x "$CHROMIUM" ]; then
  echo "install-browser: apt-get finished but $CHROMIUM is missing" >&2
  exit 1
fi
echo "installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
