# What bench/compare.sh and bench/redis_compare.sh share, sourced after
# they set $root: where the programs are (BUILD, PUSHWIRE, LOADGEN, NGINX
# override them), the nchan module, and free ports on 127.0.0.1.
build=${BUILD:-$root/build}
pushwire_bin=${PUSHWIRE:-$build/pushwire}
loadgen_bin=${LOADGEN:-$build/pushwire-loadgen}
nginx_bin=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

nchan_module=""
for candidate in /usr/lib/nginx/modules/ngx_nchan_module.so /usr/share/nginx/modules/ngx_nchan_module.so; do
  [ -f "$candidate" ] && nchan_module=$candidate && break
done

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 10000))
    if [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then echo "$port"; return; fi
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
