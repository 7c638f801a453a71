#!/usr/bin/env bash
# Install Debian's LibreOffice Writer (headless) so that `policy-assistant import` reads old Word (.doc)
# and WPS (.wps) files: it converts them with `soffice --headless --convert-to docx`.
# Usage: scripts/install-libreoffice.sh      (does nothing when soffice is already there)
set -euo pipefail

if command -v soffice >/dev/null 2>&1; then
  echo "libreoffice already installed: $(command -v soffice)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-libreoffice: apt-get not found; install LibreOffice Writer by hand" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "install-libreoffice: not root and no password-less sudo; run 'apt-get install libreoffice-writer-nogui' as root" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o DPkg::Lock::Timeout=900 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
"${SUDO[@]}" apt-get update -q
# The GUI-less build where the distribution has it (Debian 12+), else the regular Writer.
"${SUDO[@]}" apt-get install "${APT_OPTS[@]}" --no-install-recommends libreoffice-writer-nogui \
  || "${SUDO[@]}" apt-get install "${APT_OPTS[@]}" --no-install-recommends libreoffice-writer

if ! command -v soffice >/dev/null 2>&1; then
  echo "install-libreoffice: apt-get finished but soffice is missing" >&2
  exit 1
fi
echo "installed: $(command -v soffice)"
