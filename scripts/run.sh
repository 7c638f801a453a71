#!/usr/bin/env bash
# Install (first time), build the index when missing or stale, and start the web app and API.
# Usage: scripts/run.sh [serve options, e.g. --port 8080]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1
exec .venv/bin/policy-assistant serve "$@"
