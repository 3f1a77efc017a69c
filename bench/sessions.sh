#!/usr/bin/env bash
# Clients of many channels: each client's channels on one connection (an SSE
# session stream, a long-poll session) against one connection per channel,
# in the same run, with the same channels and publishes (docs/performance.md,
# "Many channels per client").
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/sessions.sh [options]

  -n N                clients with a session (default 1000)
  --per-channel-n N   clients of the one-connection-per-channel way (default 950:
                      950 x 20 = 19,000 connections, what an open-file limit of
                      20,000 leaves room for in both processes)
  --channels-each M   channels per client (default 20)
  --channels K        channels in all; client i holds i*M .. i*M+M-1 mod K (default 100)
  --rate R            publishes a second, round-robin over the channels (default 50)
  --duration S        seconds of publishing per row (default 5)
  --only LIST         rows: sse-channel sse-session lp-channel lp-session (default: all)
  --server-cpu N, --loadgen-cpu N   CPUs to pin to (default 0 and 1)

Environment: BUILD (default build) holds pushwire and pushwire-loadgen.
EOF
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$root/build}
clients=1000
per_channel_clients=950
each=20
channels=100
rate=50
duration=5
only=""
server_cpu=0
loadgen_cpu=1
while [ $# -gt 0 ]; do
  case "$1" in
    -n) clients=$2; shift 2 ;;
    --per-channel-n) per_channel_clients=$2; shift 2 ;;
    --channels-each) each=$2; shift 2 ;;
    --channels) channels=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --server-cpu) server_cpu=$2; shift 2 ;;
    --loadgen-cpu) loadgen_cpu=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "sessions.sh: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
done

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
prepare_runs

# row|technique|subscriber URL|loadgen arguments for the subscribers|what
rows="sse-channel|sse|/sse/{channel}|-n $((per_channel_clients * each))|SSE, one connection per channel ($per_channel_clients x $each)
sse-session|sse|/sse?channel={channel}|-n $clients --channels-per-sub $each|SSE, one session stream per client ($clients x $each)
lp-channel|longpoll|/lp/{channel}|-n $((per_channel_clients * each))|long-poll, one connection per channel ($per_channel_clients x $each)
lp-session|longpoll|/lp?channel={channel}|-n $clients --channels-per-sub $each|long-poll, one poll session per client ($clients x $each)"

echo "$channels channels, $rate publishes/s for $duration s, 64-byte messages; pushwire --threads 1 on CPU $server_cpu, load generator on CPU $loadgen_cpu"
echo
printf '| technique | server sockets | delivered msg/s | loss | dup | p50 | p99 | server CPU µs/delivery | server RSS per client | notes |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
while IFS='|' read -r row technique path subscribers what; do
  if [ -n "$only" ] && [[ ",$only," != *",$row,"* ]]; then continue; fi
  port=$(free_port)
  start_pushwire "$build/pushwire" "$server_cpu" "$port"
  # shellcheck disable=SC2086
  result=$(taskset -c "$loadgen_cpu" "$build/pushwire-loadgen" --quiet --technique "$technique" \
    --sub-url "http://127.0.0.1:$port$path" $subscribers --channels "$channels" \
    --pub-url "http://127.0.0.1:$port/pub/{channel}" --rate "$rate" --duration "$duration" --size 64 \
    --server-pid "$server_pid" || true)
  stop_pushwire
  node -e '
    const [text, what] = process.argv.slice(1);
    let r;
    try { r = JSON.parse(text.trim().split("\n").pop()); } catch { r = null; }
    if (!r) { console.log(`| ${what} | – | – | – | – | – | – | – | – | did not run |`); process.exit(0); }
    const ms = (us) => (us / 1000).toFixed(2) + " ms";
    const notes = [r.failed ? `${r.failed} subscribers failed` : "", r.lost_connections ? `${r.lost_connections} lost` : "",
                   r.http_errors ? `${r.http_errors} HTTP errors` : "", r.error.slice(0, 60)].filter(Boolean).join("; ");
    console.log(`| ${what} | ${r.server_sockets} | ${Math.round(r.delivered_per_s)} | ${r.lost} | ${r.dup} | ` +
                `${ms(r.p50_us)} | ${ms(r.p99_us)} | ${r.server_cpu_us_per_delivery.toFixed(2)} | ` +
                `${Math.round(r.bytes_per_conn)} | ${notes} |`);
  ' "$result" "$what"
done <<<"$rows"
