#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them.
# This is the README's test command, and what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/setup.sh
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
command -v msgfmt >/dev/null || need_apt+=(gettext)
# tests/test_clock.py fakes the wall clock of a whole build with libfaketime.
ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || need_apt+=(faketime)
# The Nu Html Checker runs on Java; npm installs the checkers below.
command -v java >/dev/null || need_apt+=(default-jre-headless)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
# tests/test_server.py serves a built site with the nginx configuration the build writes.
[ -x /usr/sbin/nginx ] || need_apt+=(nginx)
install_debian_packages

install_venv requirements-test.lock  # the build's packages and the tests' (pytest, Playwright...)
# A dependency added to pyproject.toml without compiling the lock files again is named here.
.venv/bin/python -m pip check --disable-pip-version-check >&2 || {
  echo "requirements*.lock lack what pyproject.toml asks for: compile them again (README, set-up)" >&2; exit 1; }

# ProperDocs, the maintained MkDocs 1.x fork, in an environment of its own: tests/test_properdocs.py
# builds the sample with it in place of MkDocs and compares the two sites (skipped if this failed).
if [ ! -f .venv-properdocs/installed ] || [ requirements.lock -nt .venv-properdocs/installed ]; then
  rm -rf .venv-properdocs
  if python3 -m venv .venv-properdocs && pip_install .venv-properdocs -r requirements.lock -r requirements-properdocs.lock \
     && pip_install .venv-properdocs --no-deps -e .; then
    touch .venv-properdocs/installed
  else
    echo "ProperDocs could not be installed: tests/test_properdocs.py will be skipped" >&2
    rm -rf .venv-properdocs
  fi
fi

# axe-core and the Nu Html Checker's jar, at the versions tests/node/package-lock.json pins.
# Install scripts stay off: vnu-jar's would download a Java runtime; the jar is in the package.
tools=tests/node
if [ ! -f "$tools/node_modules/.package-lock.json" ] || [ "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]; then
  npm ci --prefix "$tools" --ignore-scripts --no-audit --no-fund --loglevel=error
fi
exec .venv/bin/python -m pytest "$@"
