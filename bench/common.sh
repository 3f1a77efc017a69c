# What bench/compare.sh and bench/redis_compare.sh share, sourced after
# they set $root: where the programs are (BUILD, PUSHWIRE, LOADGEN, NGINX
# override them), the nchan module, and lib.sh's helpers.
build=${BUILD:-$root/build}
pushwire_bin=${PUSHWIRE:-$build/pushwire}
loadgen_bin=${LOADGEN:-$build/pushwire-loadgen}
nginx_bin=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

nchan_module=""
for candidate in /usr/lib/nginx/modules/ngx_nchan_module.so /usr/share/nginx/modules/ngx_nchan_module.so; do
  [ -f "$candidate" ] && nchan_module=$candidate && break
done

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
