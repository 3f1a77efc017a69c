#!/usr/bin/env bash
# Server memory per idle client, technique by technique: for each one a fresh
# pushwire (--threads 1) is started and, with no warm-up connection, the load
# generator opens N idle clients and reads the server's RSS before and with
# them (docs/performance.md, "Memory per idle client").
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/idle_memory.sh [-n N] [--hold S] [--only LIST] [--server-cpu N] [--loadgen-cpu N]

  -n N            idle clients per technique (default 19000)
  --hold S        seconds to hold them (default 1)
  --only LIST     comma-separated rows: ws ws-channel sse stream session20 (default: all)
  --server-cpu N, --loadgen-cpu N   CPUs to pin to (default 0 and 1)

Environment: BUILD (default build) holds pushwire and pushwire-loadgen.
EOF
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$root/build}
clients=19000
hold=1
only=""
server_cpu=0
loadgen_cpu=1
while [ $# -gt 0 ]; do
  case "$1" in
    -n) clients=$2; shift 2 ;;
    --hold) hold=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --server-cpu) server_cpu=$2; shift 2 ;;
    --loadgen-cpu) loadgen_cpu=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "idle_memory.sh: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
done

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
prepare_runs

# The 20 channels of one session, as the query of a multi-channel stream.
session_query=$(for i in $(seq 0 19); do printf '&channel=idle%d' "$i"; done)
session_query=${session_query#&}

# row|technique|path (PORT is filled in)|what
rows="ws|ws|ws://127.0.0.1:PORT/ws|WebSocket, GET /ws (no channel yet)
ws-channel|ws|ws://127.0.0.1:PORT/ws/{channel}|WebSocket, GET /ws/{channel}
sse|sse|http://127.0.0.1:PORT/sse/{channel}|SSE, GET /sse/{channel}
stream|stream|http://127.0.0.1:PORT/stream/{channel}|NDJSON stream, GET /stream/{channel}
session20|sse|http://127.0.0.1:PORT/sse?$session_query|SSE session of 20 channels, GET /sse?channel=..x20"

printf '| technique | clients | RSS before | RSS with them | bytes per client |\n|---|---:|---:|---:|---:|\n'
while IFS='|' read -r row technique url what; do
  if [ -n "$only" ] && [[ ",$only," != *",$row,"* ]]; then continue; fi
  port=$(free_port)
  start_pushwire "$build/pushwire" "$server_cpu" "$port"
  result=$(taskset -c "$loadgen_cpu" "$build/pushwire-loadgen" --idle --quiet -n "$clients" --duration "$hold" \
    --technique "$technique" --sub-url "${url/PORT/$port}" --server-pid "$server_pid")
  stop_pushwire
  node -e '
    const r = JSON.parse(process.argv[1]);
    const mb = (kb) => (kb / 1024).toFixed(1) + " MB";
    console.log(`| ${process.argv[2]} | ${r.ready} | ${mb(r.server_rss_before_kb)} | ${mb(r.server_rss_after_kb)} | ${Math.round(r.bytes_per_conn)} |`);
  ' "$result" "$what"
done <<<"$rows"
