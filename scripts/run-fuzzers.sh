#!/usr/bin/env bash
# Runs every libFuzzer target built in DIR for SECONDS each, starting from its
# checked-in seed corpus (tests/fuzz/corpus/NAME). A crash fails the run.
set -euo pipefail
dir=$1; seconds=$2
top=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in "$dir"/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin"); name=${name#fuzz_}
  seeds="$top/tests/fuzz/corpus/$name"
  work=$(mktemp -d)
  echo "fuzz: $name for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -print_final_stats=0 -close_fd_mask=3 \
        -artifact_prefix="$dir/crash-$name-" "$work" "$seeds" >"$dir/fuzz-$name.log" 2>&1; then
    echo "fuzz: $name FAILED"; tail -40 "$dir/fuzz-$name.log"; status=1
  else
    grep -E '^#[0-9]+.*DONE' "$dir/fuzz-$name.log" | tail -1 || true
  fi
  rm -rf "$work"
done
exit $status
