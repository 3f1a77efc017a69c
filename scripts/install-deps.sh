#!/usr/bin/env bash
# Installs the Debian packages pushwire needs, only those that are missing.
#   scripts/install-deps.sh run    what building and running needs
#   scripts/install-deps.sh test   that, plus what the tests need
set -euo pipefail
mode=${1:-run}

run_pkgs=(build-essential cmake pkg-config libuv1-dev node-llhttp libssl-dev
          zlib1g-dev nlohmann-json3-dev libtomlplusplus-dev libhiredis-dev curl)
test_pkgs=(clang libclang-rt-14-dev libgtest-dev redis-server chromium)

pkgs=("${run_pkgs[@]}")
[ "$mode" = test ] && pkgs+=("${test_pkgs[@]}")
# Node.js (for the browser client's bundler and the tests) may come from
# another source than Debian; only ask Debian for it when there is none.
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
