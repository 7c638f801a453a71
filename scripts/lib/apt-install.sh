# Sourced by the scripts/install-*.sh scripts: install Debian packages, as root or with password-less sudo.
# Usage (after `source`): apt_install WHO PACKAGE...   (WHO names the calling script in messages)
# Several sessions may install at once: apt waits up to 15 minutes for the dpkg lock instead of failing.

apt_install() {
  local who=$1
  shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$who: apt-get not found; install Debian's '$*' by hand" >&2
    return 1
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "$who: not root and no password-less sudo; run 'apt-get install $*' as root" >&2
      return 1
    fi
  fi
  local opts=(-y -q -o DPkg::Lock::Timeout=900 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if [ -z "${APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -q && APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install "${opts[@]}" --no-install-recommends "$@"
}
