#!/usr/bin/env bash
# The long fuzzing run: each libFuzzer target in DIR runs until it has used
# CPU_SECONDS of CPU time (not wall time: on a busy machine a niced fuzzer may
# wait), growing a corpus in WORK/NAME. Then the inputs of the grown corpus that
# add coverage are merged (-merge=1) into the checked-in corpus
# tests/fuzz/corpus/NAME beside its hand-written seeds, and one line of results
# per target is appended to WORK/results.tsv.
#
#   scripts/fuzz-long.sh DIR CPU_SECONDS WORK [TARGET...]   (default: every target)
set -euo pipefail
dir=$1; cpu_seconds=$2; work=$3; shift 3
top=$(cd "$(dirname "$0")/.." && pwd)
ticks=$(getconf CLK_TCK)
mkdir -p "$work"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for bin in "$dir"/fuzz_*; do targets+=("$(basename "$bin" | sed 's/^fuzz_//')"); done
fi

cpu_used() {  # utime + stime of a process, in whole seconds
  awk -v t="$ticks" '{ print int(($14 + $15) / t) }' "/proc/$1/stat" 2>/dev/null || echo 0
}

for name in "${targets[@]}"; do
  bin="$dir/fuzz_$name"; seeds="$top/tests/fuzz/corpus/$name"; grown="$work/$name"
  [ -x "$bin" ] || { echo "fuzz-long: no target $bin" >&2; exit 1; }
  mkdir -p "$grown" "$seeds"
  log="$work/$name.log"
  started=$(date -u +%FT%TZ)
  "$bin" -print_final_stats=1 -close_fd_mask=3 -artifact_prefix="$work/crash-$name-" \
    "$grown" "$seeds" >"$log" 2>&1 &
  pid=$!
  used=0
  while kill -0 "$pid" 2>/dev/null; do
    used=$(cpu_used "$pid")
    [ "$used" -ge "$cpu_seconds" ] && { kill -INT "$pid"; break; }
    sleep 5
  done
  status=0; wait "$pid" || status=$?
  crashes=$(find "$work" -maxdepth 1 -name "crash-$name-*" | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)

  "$bin" -merge=1 -close_fd_mask=3 "$seeds" "$grown" >"$work/$name.merge.log" 2>&1
  kept=$(find "$seeds" -type f | wc -l)

  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$started" "$used" "${execs:-?}" \
    "${cov:-?}" "${ft:-?}" "$kept" "$crashes" "$status" | tee -a "$work/results.tsv"
done
