#!/usr/bin/env bash
# Install what building needs on a fresh Debian or Ubuntu machine, then build the sample site into site/.
# This is the README's first command; arguments go to `outreach build` (e.g. --as-of 2027-01-01).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
install_debian_packages
install_venv requirements.lock
exec .venv/bin/outreach build "$@"
