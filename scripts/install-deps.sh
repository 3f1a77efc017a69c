#!/usr/bin/env bash
# Installs the Debian packages pushwire needs, only those that are missing.
#   scripts/install-deps.sh run    what building and running needs
#   scripts/install-deps.sh test   that, plus what the tests need
#   scripts/install-deps.sh bench  that, plus the baselines bench/compare.sh runs
set -euo pipefail
mode=${1:-run}

run_pkgs=(build-essential cmake pkg-config libuv1-dev node-llhttp libssl-dev
          zlib1g-dev nlohmann-json3-dev libtomlplusplus-dev libhiredis-dev liburing-dev libnghttp2-dev curl ca-certificates)
test_pkgs=(clang libclang-rt-14-dev libgtest-dev redis-server redis-sentinel redis-tools chromium nghttp2-client openssl)
bench_pkgs=(nginx-light libnginx-mod-nchan nghttp2-client openssl)

pkgs=("${run_pkgs[@]}")
[ "$mode" = test ] && pkgs+=("${test_pkgs[@]}")
[ "$mode" = bench ] && pkgs+=("${bench_pkgs[@]}")
# Node.js (for the browser client's bundler and the tests) may come from
# another source than Debian; only ask Debian for it when there is none.
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

check_node() {
  # The test clients (playwright-core, eventsource) need Node.js 20 or newer;
  # Debian 12's own nodejs is 18, enough to build the browser client only.
  [ "$mode" = test ] || return 0
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -lt 20 ]; then
    echo "make test needs Node.js 20 or newer; this machine has $(node --version 2>/dev/null || echo none)." >&2
    echo "Install Node.js 20 (for example from NodeSource's Debian packages) and run make test again." >&2
    exit 1
  fi
}

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  check_node
  exit 0
fi

sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
check_node
