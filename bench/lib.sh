# Shell functions the bench scripts share (sourced, not run).

# A free TCP port on 127.0.0.1.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 10000))
    if [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then echo "$port"; return; fi
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_pushwire BIN CPU PORT: a fresh `pushwire --threads 1` pinned to CPU,
# in server_pid, once it accepts connections.
start_pushwire() {
  taskset -c "$2" "$1" --listen "127.0.0.1:$3" --threads 1 >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do port_open "$3" && return 0; sleep 0.1; done
  echo "pushwire did not accept connections on port $3 within 10 s" >&2
  return 1
}

stop_pushwire() {
  [ -n "${server_pid:-}" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# For a script that runs pushwire servers: room for many descriptors, and
# the server stopped however the script ends.
prepare_runs() {
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  server_pid=""
  trap stop_pushwire EXIT
  trap 'exit 130' INT TERM
}

# write_nchan_conf DIR PORT MODULE LISTEN_FLAGS [HTTP_LINES]: DIR/nginx.conf
# from bench/nchan.conf, HTTP_LINES added at the top of its http block, and
# DIR/tls.conf (which it includes) empty unless the caller fills it after.
write_nchan_conf() {
  local dir=$1 port=$2 module=$3 listen_flags=$4 http_lines=${5:-}
  : >"$dir/tls.conf"
  sed -e "s|@PREFIX@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@NCHAN_MODULE@|$module|g" \
    -e "s|@LISTEN_FLAGS@|$listen_flags|g" -e "s|^http {|http {$http_lines|" \
    "$(dirname "${BASH_SOURCE[0]}")/nchan.conf" >"$dir/nginx.conf"
}
