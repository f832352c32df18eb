#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them.
# This is the README's test command, and what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
command -v msgfmt >/dev/null || need_apt+=(gettext)
# WeasyPrint lays out text with Pango; Pillow's complex-text layout needs FriBiDi.
ldconfig -p | grep -q libpangoft2-1.0 || need_apt+=(libpangoft2-1.0-0)
ldconfig -p | grep -q libfribidi || need_apt+=(libfribidi0)
fc-list 2>/dev/null | grep -qi "dejavu sans" || need_apt+=(fonts-dejavu-core)
# tests/test_clock.py fakes the wall clock of a whole build with libfaketime.
ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || need_apt+=(faketime)
# Debian's python3 makes virtual environments only with python3-venv (it brings ensurepip).
[ -x .venv/bin/python ] || python3 -c "import ensurepip" 2>/dev/null || need_apt+=(python3-venv)
# The Nu Html Checker runs on Java; npm installs the checkers below.
command -v java >/dev/null || need_apt+=(default-jre-headless)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
# tests/test_server.py serves a built site with the nginx configuration the build writes.
[ -x /usr/sbin/nginx ] || need_apt+=(nginx)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# A virtual environment in the project: Debian and Ubuntu refuse `pip install`
# into the system Python (PEP 668, "externally managed environment").
# Exact versions, with their hashes (requirements-test.lock; `pip-compile` wrote it from pyproject.toml).
[ -x .venv/bin/python ] || python3 -m venv .venv
pip_install() { "$1/bin/python" -m pip install -q --disable-pip-version-check "${@:2}"; }
pip_install .venv -r requirements-test.lock
pip_install .venv --no-deps -e .
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
