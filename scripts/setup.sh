# Sourced by build.sh and test.sh: what a stock Debian or Ubuntu machine with only python3 lacks to
# build the site, and the project's virtual environment from a lock file.

# Debian packages to install, added to by the caller before `install_debian_packages`.
need_apt=()
# WeasyPrint lays out text with Pango; Pillow's complex-text layout needs FriBiDi.
ldconfig -p | grep -q libpangoft2-1.0 || need_apt+=(libpangoft2-1.0-0)
ldconfig -p | grep -q libfribidi || need_apt+=(libfribidi0)
fc-list 2>/dev/null | grep -qi "dejavu sans" || need_apt+=(fonts-dejavu-core)
# Debian's python3 makes virtual environments only with python3-venv (it brings ensurepip).
[ -x .venv/bin/python ] || python3 -c "import ensurepip" 2>/dev/null || need_apt+=(python3-venv)

install_debian_packages() {
  [ ${#need_apt[@]} -gt 0 ] || return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
}

pip_install() { "$1/bin/python" -m pip install -q --disable-pip-version-check "${@:2}"; }

# A virtual environment in the project: Debian and Ubuntu refuse `pip install` into the system Python
# (PEP 668, "externally managed environment"). Exact versions with their hashes (`pip-compile` wrote the
# lock files from pyproject.toml), then the generator itself.
install_venv() {
  [ -x .venv/bin/python ] || python3 -m venv .venv
  pip_install .venv -r "$1"
  pip_install .venv --no-deps -e .
}
