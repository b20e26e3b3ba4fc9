#!/usr/bin/env bash
# Installs what this project needs on a fresh Debian machine, once: system packages
# (redis-server, softhsm2, opensc, socat, openssl, chromium) and npm packages.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
quiet=false; [ "${1:-}" = "--quiet" ] && quiet=true
say() { $quiet || echo "setup: $*"; }

need=()
for pair in redis-server:redis-server softhsm2-util:softhsm2 pkcs11-tool:opensc socat:socat openssl:openssl chromium:chromium; do
  cmd=${pair%%:*}; pkg=${pair##*:}
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# npm packages: install when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (native addons compile against /usr/include/node)"
  export npm_config_nodedir=/usr
  npm ci --no-audit --no-fund --loglevel=error
fi
say "ready"
