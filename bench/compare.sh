#!/usr/bin/env bash
# Runs the benchmark scenarios against pushwire, nchan (nginx, one worker)
# and a plain Node.js `ws` server, back to back, each server pinned to one
# CPU and the load generator to another, and prints a table per scenario.
# See bench/README.md for what the scenarios measure.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/compare.sh [options]

  --runs N            runs per server and scenario; the table shows medians (default 3, 1 with --quick)
  --only LIST         scenarios to run, comma-separated: a b c d e f, or
                      ws-fanout ws-10k sse-fanout longpoll idle ws-10k-sparse
                      (default: all)
  --tls               the TLS and HTTP/2 scenarios instead (g to m: plain-sse
                      tls-sse tls-ws h2-sse h2-sse-mux plain-idle tls-idle, then
                      h2load against the publish endpoint); servers pushwire
                      and nchan, each with a self-signed certificate made here
  --servers LIST      comma-separated: pushwire nchan node (default: all three;
                      pushwire,nchan with --tls)
  --quick             a smoke run: 3 s of publishing instead of 10
  --out FILE          also write the tables as Markdown to FILE
  --server-cpu N      CPU the servers are pinned to (default 0)
  --loadgen-cpu N     CPU the load generator is pinned to (default 1)
  --poll-interval US  the load generator looks for ready sockets every US
                      microseconds instead of sleeping until the server wakes it
                      (default 0: it sleeps; see bench/README.md)
  --keep              keep the temporary directory (logs, configs, raw results)
  -h, --help          this text

Environment: BUILD (default build) holds pushwire and pushwire-loadgen;
PUSHWIRE, LOADGEN, NGINX, NODE override the programs used.
EOF
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
node_bin=${NODE:-$(command -v node || true)}

runs=""
only=""
servers=""
tls=0
quick=0
out=""
server_cpu=0
loadgen_cpu=1
poll_interval=0
keep=0

while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --servers) servers=$2; shift 2 ;;
    --tls) tls=1; shift ;;
    --quick) quick=1; shift ;;
    --out) out=$2; shift 2 ;;
    --server-cpu) server_cpu=$2; shift 2 ;;
    --loadgen-cpu) loadgen_cpu=$2; shift 2 ;;
    --poll-interval) poll_interval=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
done
[ -n "$runs" ] || runs=$([ $quick = 1 ] && echo 1 || echo 3)
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --runs needs a positive number" >&2; exit 1; }
[[ "$poll_interval" =~ ^[0-9]+$ ]] || { echo "compare.sh: --poll-interval needs microseconds (0 or more)" >&2; exit 1; }
duration=$([ $quick = 1 ] && echo 3 || echo 10)
hold=$([ $quick = 1 ] && echo 1 || echo 3)
[ -n "$servers" ] || servers=$([ $tls = 1 ] && echo "pushwire,nchan" || echo "pushwire,nchan,node")

# Scenarios: id|name|technique|subscribers|publishing|description
scenario_table="a|ws-fanout|ws|1000|--window 1|1,000 WebSocket subscribers, one publish in flight
b|ws-10k|ws|10000|--rate 100|10,000 WebSocket subscribers, 100 messages/s offered
c|sse-fanout|sse|1000|--window 1|1,000 SSE subscribers, one publish in flight
d|longpoll|longpoll|1000|--rate 50|1,000 long-poll subscribers, 50 messages/s offered
e|idle|ws|19000|--idle|19,000 idle WebSocket connections: server memory per connection
f|ws-10k-sparse|ws|10000|--rate 5|10,000 WebSocket subscribers, 5 messages/s offered: one fan-out at a time"
# With --tls. A technique's prefix says how it travels: tls- (HTTP/1.1 over
# TLS, pushwire-loadgen), h2-S (HTTP/2 over TLS with S streams per
# connection, bench/h2-fanout.mjs), none (plain HTTP/1.1). A scenario with a
# TLS technique runs the servers with TLS, a plain one without.
[ $tls = 1 ] && scenario_table="g|plain-sse|sse|1000|--window 1|1,000 SSE subscribers over plain HTTP/1.1, one publish in flight
h|tls-sse|tls-sse|1000|--window 1|1,000 SSE subscribers over TLS (HTTP/1.1), one publish in flight
i|tls-ws|tls-ws|1000|--window 1|1,000 WebSocket subscribers over TLS, one publish in flight
j|h2-sse|h2-1|1000|--window 1|1,000 SSE subscribers over TLS HTTP/2, one stream per connection, one publish in flight
k|h2-sse-mux|h2-100|1000|--window 1|1,000 SSE subscribers over TLS HTTP/2, 100 streams on each of 10 connections, one publish in flight
l|plain-idle|sse|2000|--idle|2,000 idle SSE connections over plain HTTP/1.1: server memory per connection
m|tls-idle|tls-sse|2000|--idle|2,000 idle SSE connections over TLS: server memory per connection"

selected=()
while IFS='|' read -r id name _; do
  if [ -z "$only" ] || [[ ",$only," == *",$id,"* ]] || [[ ",$only," == *",$name,"* ]]; then
    selected+=("$id")
  fi
done <<<"$scenario_table"
[ ${#selected[@]} -gt 0 ] || { echo "compare.sh: --only '$only' matches no scenario" >&2; exit 1; }

IFS=',' read -r -a server_list <<<"$servers"
for s in "${server_list[@]}"; do
  case "$s" in pushwire|nchan|node) ;; *) echo "compare.sh: unknown server '$s'" >&2; exit 1 ;; esac
done

[ -n "$node_bin" ] || { echo "compare.sh: node is needed (for the report and the Node server)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "compare.sh: taskset (util-linux) is needed" >&2; exit 1; }
cpus=$(nproc)
if [ "$server_cpu" -ge "$cpus" ] || [ "$loadgen_cpu" -ge "$cpus" ]; then
  echo "compare.sh: this machine has $cpus CPUs; choose --server-cpu and --loadgen-cpu below that" >&2
  exit 1
fi

# The idle scenario needs some 19,000 descriptors in the server and in the
# load generator; take the soft limit up to the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
open_files=$(ulimit -n)

work=$(mktemp -d "${TMPDIR:-/tmp}/pushwire-bench.XXXXXX")
server_pid=""
measured_pid=""
loadgen_pid=""

stop_server() {
  [ -n "$server_pid" ] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "  (server $server_pid did not stop within 5 s; killing it)" >&2
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
  fi
  wait "$server_pid" 2>/dev/null || true
  # An nginx worker that outlived its master.
  if [ -n "$measured_pid" ] && [ "$measured_pid" != "$server_pid" ] && kill -0 "$measured_pid" 2>/dev/null; then
    kill -KILL "$measured_pid" 2>/dev/null || true
  fi
  server_pid=""
  measured_pid=""
}

cleanup() {
  if [ -n "$loadgen_pid" ]; then
    kill -TERM "$loadgen_pid" 2>/dev/null || true
    wait "$loadgen_pid" 2>/dev/null || true
  fi
  stop_server
  if [ $keep = 1 ]; then echo "compare.sh: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The load generator: the CMake build's, else compiled here.
if [ ! -x "$loadgen_bin" ]; then
  echo "compare.sh: $loadgen_bin not found; compiling the load generator" >&2
  loadgen_bin=$work/pushwire-loadgen
  g++ -std=c++20 -O2 "$root"/bench/loadgen/*.cpp -lssl -lcrypto -lpthread -o "$loadgen_bin"
fi

# --tls: one throwaway certificate for every server, and the TLS settings
# nchan gets to match pushwire's (TLS 1.2 and 1.3, forward-secret AEAD
# suites, a session cache, ALPN h2 and http/1.1).
if [ $tls = 1 ]; then
  command -v openssl >/dev/null || { echo "compare.sh: --tls needs openssl" >&2; exit 1; }
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
fi
nginx_tls_settings() {
  cat <<EOF
ssl_certificate $work/cert.pem;
ssl_certificate_key $work/key.pem;
ssl_protocols TLSv1.2 TLSv1.3;
ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;
ssl_prefer_server_ciphers on;
ssl_session_cache shared:SSL:10m;
EOF
}

# start_server NAME PORT LOG [TLS]: sets server_pid (to signal) and measured_pid
# (whose CPU and memory count), or returns 1 with a reason in LOG. With TLS
# (1), the server speaks HTTPS with HTTP/2 offered.
start_server() {
  local name=$1 port=$2 log=$3 with_tls=${4:-0} dir
  local tls_args=()
  [ "$with_tls" = 1 ] && tls_args=(--tls-cert "$work/cert.pem" --tls-key "$work/key.pem")
  case "$name" in
    pushwire)
      [ -x "$pushwire_bin" ] || { echo "not built: $pushwire_bin" >"$log"; return 1; }
      taskset -c "$server_cpu" "$pushwire_bin" --listen "127.0.0.1:$port" --threads 1 "${tls_args[@]}" >"$log" 2>&1 &
      server_pid=$!
      measured_pid=$server_pid
      ;;
    nchan)
      [ -x "$nginx_bin" ] && [ -n "$nchan_module" ] ||
        { echo "nginx or the nchan module is missing (apt-get install nginx-light libnginx-mod-nchan)" >"$log"; return 1; }
      dir=$(mktemp -d "$work/nchan.XXXXXX")
      if [ "$with_tls" = 1 ]; then
        write_nchan_conf "$dir" "$port" "$nchan_module" " ssl http2"
        nginx_tls_settings >"$dir/tls.conf"
      else
        write_nchan_conf "$dir" "$port" "$nchan_module" ""
      fi
      taskset -c "$server_cpu" "$nginx_bin" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" \
        -g 'daemon off;' >"$log" 2>&1 &
      server_pid=$!
      measured_pid=""
      ;;
    node)
      taskset -c "$server_cpu" "$node_bin" "$root/bench/ws-server.mjs" --listen "127.0.0.1:$port" >"$log" 2>&1 &
      server_pid=$!
      measured_pid=$server_pid
      ;;
  esac
  for _ in $(seq 100); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      wait "$server_pid" 2>/dev/null || true
      server_pid=""
      [ -n "${dir:-}" ] && cat "$dir/error.log" >>"$log" 2>/dev/null
      return 1
    fi
    if port_open "$port"; then
      if [ "$name" = nchan ]; then
        measured_pid=$(pgrep -P "$server_pid" | head -n1 || true)
        [ -n "$measured_pid" ] || { sleep 0.1; continue; }
      fi
      return 0
    fi
    sleep 0.1
  done
  echo "did not accept connections on port $port within 10 s" >>"$log"
  stop_server
  return 1
}

# Whether a technique travels over TLS (tls-sse, h2-100, ...).
uses_tls() { [[ "$1" == tls-* || "$1" == h2-* ]]; }

# The subscriber URL of a technique on a server; empty if it has none.
# Over TLS the plain technique's URL with https:// or wss://.
sub_url() {
  local server=$1 technique=$2 port=$3 base="127.0.0.1:$3" plain
  if uses_tls "$technique"; then
    [[ "$technique" == h2-* ]] && technique=sse || technique=${technique#tls-}
    [ "$server" = node ] && return 0
    plain=$(sub_url "$server" "$technique" "$port")
    plain=${plain/#http:/https:}
    echo "${plain/#ws:/wss:}"
    return 0
  fi
  case "$server:$technique" in
    pushwire:ws) echo "ws://$base/ws/{channel}" ;;
    pushwire:sse) echo "http://$base/sse/{channel}" ;;
    pushwire:longpoll) echo "http://$base/lp/{channel}" ;;
    nchan:ws) echo "ws://$base/sub/{channel}" ;;
    nchan:sse|nchan:longpoll) echo "http://$base/sub/{channel}" ;;
    node:ws) echo "ws://$base/ws/{channel}" ;;
    node:sse) echo "http://$base/sse/{channel}" ;;
    *) echo "" ;;
  esac
}

json_text() { # a shell string as a JSON string
  printf '"%s"' "$(printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

results=$work/results.jsonl
: >"$results"

record() { # server run result-json-or-null error-text (scenario from the loop)
  printf '{"scenario":"%s","name":"%s","description":%s,"server":"%s","run":%s,"result":%s,"error":%s}\n' \
    "$id" "$name" "$(json_text "$description")" "$1" "$2" "$3" "$(json_text "$4")" >>"$results"
}

selected_server() { [[ ",$servers," == *",$1,"* ]]; }

versions() { # one line per program, for the report
  local v
  if selected_server pushwire && [ -x "$pushwire_bin" ]; then
    v=$("$pushwire_bin" --version 2>/dev/null | head -n1 || true)
    echo "pushwire: ${v:-unknown version}"
  fi
  if selected_server nchan; then
    v=$("$nginx_bin" -v 2>&1 | head -n1 || true)
    echo "nginx: ${v#nginx version: }, nchan module" \
      "$(dpkg-query -W -f '${Version}' libnginx-mod-nchan 2>/dev/null || echo '?')"
  fi
  if selected_server node; then
    v=$("$node_bin" -p "require('$root/node_modules/ws/package.json').version" 2>/dev/null || echo '?')
    echo "node: $("$node_bin" --version), ws $v"
  fi
  v=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
  echo "machine: $cpus CPUs ($v), Linux $(uname -r)"
}
versions >"$work/setup.txt"
if [ "$poll_interval" -gt 0 ]; then
  echo "load generator: looks for ready sockets every $poll_interval µs instead of sleeping until woken" >>"$work/setup.txt"
fi

# Other work on the machine skews every figure: say so, in the table too.
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
  echo "compare.sh: warning: load average $load before starting; other processes will skew the figures" >&2
  echo "load average $load when the benchmark started: figures are skewed by other work on the machine" >>"$work/setup.txt"
fi

echo "pushwire benchmark: servers on CPU $server_cpu, load generator on CPU $loadgen_cpu," \
  "$runs run(s) each, ${duration} s of publishing, open-file limit $open_files"

for id in "${selected[@]}"; do
  IFS='|' read -r _ name technique subscribers publishing description \
    < <(grep "^$id|" <<<"$scenario_table")
  echo
  echo "== ($id) $name: $description"
  # Runs alternate between servers (pushwire, nchan, node, pushwire, ...), so
  # a machine that speeds up or slows down during the scenario skews every
  # server alike instead of whichever ran last.
  skipped=" "
  for run in $(seq "$runs"); do
    for server in "${server_list[@]}"; do
      [[ "$skipped" == *" $server "* ]] && continue
      tag="$id-$server-$run"
      port=$(free_port)
      url=$(sub_url "$server" "$technique" "$port")
      if [ -z "$url" ]; then
        record "$server" "$run" null "no $technique endpoint"
        echo "  $server: no $technique endpoint, skipped"
        skipped+="$server "
        continue
      fi
      if [ "$subscribers" -gt $((open_files - 100)) ]; then
        record "$server" "$run" null "open-file limit $open_files is too low"
        echo "  $server: open-file limit $open_files is too low for $subscribers connections, skipped"
        skipped+="$server "
        continue
      fi
      with_tls=0
      scheme=http
      if uses_tls "$technique"; then with_tls=1; scheme=https; fi
      if ! start_server "$server" "$port" "$work/$tag.server.log" "$with_tls"; then
        reason=$(tail -n 3 "$work/$tag.server.log" | tr '\n' ' ')
        record "$server" "$run" null "server did not start: $reason"
        echo "  $server: did not start: $reason"
        skipped+="$server "
        continue
      fi
      loadgen_technique=${technique#tls-}
      generator=("$loadgen_bin")
      args=(--label "$server" --sub-url "$url" --technique "$loadgen_technique" -n "$subscribers"
        --server-pid "$measured_pid" --json "$work/$tag.json")
      if [[ "$technique" == h2-* ]]; then
        streams=${technique#h2-}
        generator=("$node_bin" "$root/bench/h2-fanout.mjs")
        # shellcheck disable=SC2206
        args=(--label "$server" --sub-url "$url" --pub-url "$scheme://127.0.0.1:$port/pub/{channel}"
          --connections $((subscribers / streams)) --streams "$streams" $publishing --duration "$duration"
          --size 64 --server-pid "$measured_pid" --json "$work/$tag.json")
      elif [ "$publishing" = --idle ]; then
        args+=(--idle --duration "$hold")
        # One-time costs (code paged in on the first handshake, buffers and
        # tables made once) are not per connection: open and close a few
        # hundred connections before the measured run, for every server alike.
        taskset -c "$loadgen_cpu" "$loadgen_bin" --sub-url "$url" --technique "$loadgen_technique" -n 500 \
          --idle --duration 0.5 --quiet >/dev/null 2>&1 || true
      else
        # shellcheck disable=SC2206
        args+=(--pub-url "$scheme://127.0.0.1:$port/pub/{channel}" $publishing --duration "$duration" --size 64
          --poll-interval "$poll_interval")
      fi
      # In the background, so that Ctrl-C reaches the trap at once.
      status=0
      taskset -c "$loadgen_cpu" "${generator[@]}" "${args[@]}" >"$work/$tag.out" 2>"$work/$tag.err" &
      loadgen_pid=$!
      wait "$loadgen_pid" || status=$?
      loadgen_pid=""
      server_alive=1
      kill -0 "$measured_pid" 2>/dev/null || server_alive=0
      stop_server
      if [ $server_alive = 0 ]; then
        reason=$(tail -n 2 "$work/$tag.server.log" | tr '\n' ' ')
        record "$server" "$run" null "server exited during the run: $reason"
        echo "  $server run $run: failed: the server exited during the run: $reason"
      elif [ $status = 0 ] && [ -s "$work/$tag.json" ]; then
        record "$server" "$run" "$(cat "$work/$tag.json")" ""
        "$node_bin" "$root/bench/report.mjs" --line "$work/$tag.json" | sed "s/^/  $server run $run: /"
      else
        reason=$(tail -n 2 "$work/$tag.err" | tr '\n' ' ')
        record "$server" "$run" null "load generator failed: $reason"
        echo "  $server run $run: failed: $reason"
      fi
    done
  done
done

# --tls, last: h2load (nghttp2's load generator) against each server's
# publish endpoint over TLS, HTTP/2 and HTTP/1.1: requests a second and the
# server's CPU per request, as a second opinion from a client no one here wrote.
h2load_section=$work/h2load.md
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
run_h2load() { # server protocol(h2|h1)
  local server=$1 protocol=$2 port log before after text rps mean
  port=$(free_port)
  log=$work/h2load-$server-$protocol
  start_server "$server" "$port" "$log.server.log" 1 || { echo "| $server | $protocol | – | – | – | did not start |"; return; }
  local flags=(-c 10 -m 10)
  [ "$protocol" = h1 ] && flags=(--h1 -c 10 -m 1)
  before=$(cpu_ticks "$measured_pid")
  taskset -c "$loadgen_cpu" h2load "${flags[@]}" -n "$h2load_requests" -d "$work/payload" \
    -H 'content-type: text/plain' "https://127.0.0.1:$port/pub/h2load" >"$log.out" 2>&1 || true
  after=$(cpu_ticks "$measured_pid")
  stop_server
  text=$(cat "$log.out")
  rps=$(sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' <<<"$text")
  mean=$(awk '/^time for request:/ { print $6 }' <<<"$text")
  local succeeded
  succeeded=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' <<<"$text")
  if [ -z "$rps" ] || [ -z "$succeeded" ] || [ "$succeeded" = 0 ]; then
    echo "| $server | $protocol | – | – | – | $(grep -m1 -i error <<<"$text" | tr '|' '/') |"
    return
  fi
  awk -v s="$server" -v p="$protocol" -v r="$rps" -v ok="$succeeded" -v n="$h2load_requests" \
    -v t=$((after - before)) -v m="$mean" 'BEGIN {
      printf "| %s | %s | %d | %s | %.1f | %s |\n", s, p, r, m, t * 10000 / ok, (ok < n ? (n - ok) " failed" : "")
    }'
}
if [ $tls = 1 ] && command -v h2load >/dev/null; then
  h2load_requests=$([ $quick = 1 ] && echo 20000 || echo 100000)
  head -c 64 /dev/zero | tr '\0' x >"$work/payload"
  echo
  echo "== h2load: POST /pub/{channel} over TLS, $h2load_requests requests, 10 connections (HTTP/2: 10 streams each)"
  {
    echo "## h2load: $h2load_requests publishes over TLS, 10 connections, 64-byte bodies, no subscribers"
    echo
    echo "| server | protocol | requests/s | mean time per request | server CPU µs/request | notes |"
    echo "| --- | --- | ---: | ---: | ---: | --- |"
    for server in "${server_list[@]}"; do
      for protocol in h2 h1; do run_h2load "$server" "$protocol"; done
    done
  } >"$h2load_section"
  cat "$h2load_section"
fi

echo
report_args=(--table "$results" --setup "$work/setup.txt" --runs "$runs" --duration "$duration"
  --server-cpu "$server_cpu" --loadgen-cpu "$loadgen_cpu")
[ -n "$out" ] && report_args+=(--out "$out")
"$node_bin" "$root/bench/report.mjs" "${report_args[@]}"
if [ -n "$out" ] && [ -s "$h2load_section" ]; then printf '\n' >>"$out"; cat "$h2load_section" >>"$out"; fi
[ -n "$out" ] && echo "compare.sh: wrote $out"
exit 0
