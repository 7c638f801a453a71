#!/usr/bin/env bash
# Install Debian's LibreOffice Writer (headless) so that `policy-assistant import` reads old Word (.doc)
# and WPS (.wps) files: it converts them with `soffice --headless --convert-to docx`.
# Usage: scripts/install-libreoffice.sh      (does nothing when soffice is already there)
set -euo pipefail

if command -v soffice >/dev/null 2>&1; then
  echo "libreoffice already installed: $(command -v soffice)"
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
# The GUI-less build where the distribution has it (Debian 12+), else the regular Writer.
apt_install install-libreoffice libreoffice-writer-nogui || apt_install install-libreoffice libreoffice-writer

if ! command -v soffice >/dev/null 2>&1; then
  echo "install-libreoffice: apt-get finished but soffice is missing" >&2
  exit 1
fi
echo "installed: $(command -v soffice)"
