#!/usr/bin/env bash
# Scale-out over one Redis: two pushwire servers against two nchan servers
# (nchan's Redis mode), in one run. Subscribers are split across the two
# servers of a kind, messages are published to the first, so every message
# reaches half its subscribers through Redis. Reports the publish rate, the
# latency and the CPU per delivery of each server and of Redis.
# See bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/redis_compare.sh [options]

  --runs N            runs per server kind; they alternate (default 3)
  --subscribers N     WebSocket subscribers, half on each server (default 10000)
  --rate R            messages/s offered, one channel (default 100)
  --duration S        seconds of publishing (default 10)
  --servers LIST      comma-separated: pushwire nchan (default both)
  --server-cpu N      CPU the servers and Redis are pinned to (default 0)
  --loadgen-cpu N     CPU the load generator is pinned to (default 1)
  --keep              keep the temporary directory (logs, configs, raw results)
  -h, --help          this text

Environment: BUILD (default build) holds pushwire and pushwire-loadgen;
PUSHWIRE, LOADGEN, NGINX, REDIS_SERVER override the programs used.
EOF
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
redis_bin=${REDIS_SERVER:-$(command -v redis-server || echo /usr/bin/redis-server)}

runs=3
subscribers=10000
rate=100
duration=10
servers="pushwire,nchan"
server_cpu=0
loadgen_cpu=1
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --subscribers) subscribers=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --servers) servers=$2; shift 2 ;;
    --server-cpu) server_cpu=$2; shift 2 ;;
    --loadgen-cpu) loadgen_cpu=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "redis_compare.sh: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
done
for number in "$runs" "$subscribers"; do
  [[ "$number" =~ ^[1-9][0-9]*$ ]] || { echo "redis_compare.sh: '$number' is not a positive number" >&2; exit 1; }
done
IFS=',' read -r -a server_list <<<"$servers"
for s in "${server_list[@]}"; do
  case "$s" in pushwire|nchan) ;; *) echo "redis_compare.sh: unknown server '$s'" >&2; exit 1 ;; esac
done
for program in "$pushwire_bin" "$loadgen_bin" "$redis_bin"; do
  [ -x "$program" ] || { echo "redis_compare.sh: $program is missing (make build; apt-get install redis-server)" >&2; exit 1; }
done
if [[ ",$servers," == *",nchan,"* ]] && { [ ! -x "$nginx_bin" ] || [ -z "$nchan_module" ]; }; then
  echo "redis_compare.sh: nginx or the nchan module is missing (apt-get install nginx-light libnginx-mod-nchan)" >&2
  exit 1
fi

# Each server holds half the subscribers, the load generator all of them.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$subscribers" -gt $(($(ulimit -n) - 200)) ]; then
  echo "redis_compare.sh: the open-file limit $(ulimit -n) is too low for $subscribers subscribers" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pushwire-redis-bench.XXXXXX")
pids=()  # everything started for the current run
cleanup_run() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  cleanup_run
  if [ $keep = 1 ]; then echo "redis_compare.sh: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for_port() { # port pid
  for _ in $(seq 100); do
    kill -0 "$2" 2>/dev/null || return 1
    port_open "$1" && return 0
    sleep 0.1
  done
  return 1
}

# start_server KIND PORT REDIS_PORT LOG: appends to pids, and sets measured_pid
# to the pid whose CPU counts (not in a subshell, so that pids keeps them all).
start_server() {
  local kind=$1 port=$2 redis_port=$3 log=$4 dir pid worker
  measured_pid=""
  case "$kind" in
    pushwire)
      taskset -c "$server_cpu" "$pushwire_bin" --listen "127.0.0.1:$port" --threads 1 \
        --redis "redis://127.0.0.1:$redis_port" >"$log" 2>&1 &
      pid=$!
      pids+=("$pid")
      wait_for_port "$port" "$pid" || return 1
      measured_pid=$pid
      ;;
    nchan)
      # bench/nchan.conf, with every channel kept in Redis.
      dir=$(mktemp -d "$work/nchan.XXXXXX")
      write_nchan_conf "$dir" "$port" "$nchan_module" "" \
        "\n  nchan_redis_url \"redis://127.0.0.1:$redis_port\";\n  nchan_use_redis on;"
      taskset -c "$server_cpu" "$nginx_bin" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" \
        -g 'daemon off;' >"$log" 2>&1 &
      pid=$!
      pids+=("$pid")
      wait_for_port "$port" "$pid" || { cat "$dir/error.log" >>"$log" 2>/dev/null; return 1; }
      worker=$(pgrep -P "$pid" | head -n1 || true)
      [ -n "$worker" ] || return 1
      measured_pid=$worker
      ;;
  esac
}

sub_path() { [ "$1" = pushwire ] && echo "/ws/{channel}" || echo "/sub/{channel}"; }

results=$work/results.jsonl
: >"$results"
load=$(cut -d' ' -f1 /proc/loadavg)
echo "redis_compare: $subscribers WebSocket subscribers split over two servers, $rate messages/s offered" \
  "to the first for ${duration} s; servers and Redis on CPU $server_cpu, load generator on CPU $loadgen_cpu;" \
  "load average $load at the start"

for run in $(seq "$runs"); do
  for kind in "${server_list[@]}"; do
    tag="$kind-$run"
    redis_port=$(free_port)
    taskset -c "$server_cpu" "$redis_bin" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
      --loglevel warning >"$work/$tag.redis.log" 2>&1 &
    redis_pid=$!
    pids+=("$redis_pid")
    measured=()
    ports=()
    failed=""
    if ! wait_for_port "$redis_port" "$redis_pid"; then
      failed="redis-server did not start"
    else
      for side in a b; do
        port=$(free_port)
        if ! start_server "$kind" "$port" "$redis_port" "$work/$tag.$side.log"; then
          failed="$kind server $side did not start: $(tail -n 2 "$work/$tag.$side.log" | tr '\n' ' ')"
          break
        fi
        measured+=("$measured_pid")
        ports+=("$port")
      done
    fi
    if [ -n "$failed" ]; then
      echo "  $kind run $run: $failed"
      cleanup_run
      continue
    fi
    path=$(sub_path "$kind")
    common=(--sub-url "ws://127.0.0.1:${ports[0]}$path" --also-sub-url "ws://127.0.0.1:${ports[1]}$path"
      --pub-url "http://127.0.0.1:${ports[0]}/pub/{channel}" --size 64)
    # Warm-up: code paged in, buffers and Redis connections made, for both kinds alike.
    taskset -c "$loadgen_cpu" "$loadgen_bin" "${common[@]}" -n 500 --rate 50 --duration 1 --drain 1 \
      --quiet >/dev/null 2>&1 || true
    status=0
    taskset -c "$loadgen_cpu" "$loadgen_bin" "${common[@]}" -n "$subscribers" --rate "$rate" \
      --duration "$duration" --label "$kind" --server-pid "${measured[0]}" --server-pid "${measured[1]}" \
      --server-pid "$redis_pid" --json "$work/$tag.json" >"$work/$tag.out" 2>"$work/$tag.err" || status=$?
    cleanup_run
    if [ $status = 0 ] && [ -s "$work/$tag.json" ]; then
      cat "$work/$tag.json" >>"$results"
      node "$root/bench/redis_report.mjs" --line "$work/$tag.json" | sed "s/^/  $kind run $run: /"
    else
      echo "  $kind run $run: the load generator failed: $(tail -n 2 "$work/$tag.err" | tr '\n' ' ')"
    fi
  done
done
echo
node "$root/bench/redis_report.mjs" --table "$results"
