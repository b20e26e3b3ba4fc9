#!/usr/bin/env bash
# Installs what this project needs on a fresh Debian machine, once: system packages
# (redis-server, softhsm2, opensc, socat, openssl, chromium, OpenSSL's PKCS#11 engine, the
# field-enrollment clients curl / strongSwan pki / gnutls certtool, PostgreSQL, cfssl, jemalloc) and npm packages.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
quiet=false; [ "${1:-}" = "--quiet" ] && quiet=true
say() { $quiet || echo "setup: $*"; }

need=()
for pair in redis-server:redis-server softhsm2-util:softhsm2 pkcs11-tool:opensc socat:socat openssl:openssl chromium:chromium \
    curl:curl pki:strongswan-pki certtool:gnutls-bin cfssl:golang-cfssl; do
  cmd=${pair%%:*}; pkg=${pair##*:}
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
# files rather than commands: the TLS engine, strongSwan's curl plugin, the PostgreSQL server
[ -e /usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so ] || need+=(libengine-pkcs11-openssl)
[ -e /usr/lib/ipsec/plugins/libstrongswan-curl.so ] || need+=(libstrongswan-extra-plugins)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# jemalloc: central preloads it (src/common/allocator.ts, decision 0015)
[ -e /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 ] || need+=(libjemalloc2)
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
