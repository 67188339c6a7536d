#!/usr/bin/env bash
# `repro index rebuild` and `repro index update` (into an empty index) on a run of SCALARS scalars (default
# 30,000,000 over four metrics), whole processes: wall time, peak memory (RSS) and the index's size, against
# `cat | sha256sum` of the same WAL bytes in the same run. Compare the peak with a run of 3,000,000: the log is read in
# parts, so the run's length should add little.
# Usage: eng/benchmarks/index-rebuild.sh [scalars]   (KEEP=1 keeps the work folder)
set -euo pipefail
scalars=${1:-30000000}
source "$(dirname "$0")/common.sh"
sine_run "$scalars"
"${repro[@]}" runs list > /dev/null # recovery and the runs' rows, outside the timing
echo "run: $scalars scalars, WAL $wal_bytes bytes ($(echo "scale=2; $wal_bytes / $scalars" | bc) B/scalar)"
echo "sha256sum of the same WAL bytes: ${baseline} s"
for command in rebuild update; do
  rm -f "$REPRO_HOME/index.db" "$REPRO_HOME/index.db-wal" "$REPRO_HOME/index.db-shm"
  /usr/bin/time -f "%e %M" -o "$work/time" "${repro[@]}" index "$command" > /dev/null
  read -r seconds rss_kib < <(tail -1 "$work/time")
  size=$(bytes_of "$REPRO_HOME"/index.db*)
  echo "repro index $command: ${seconds} s ($(echo "scale=2; $scalars / $seconds / 1000000" | bc) million scalars/s, ratio to sha256sum $(echo "scale=1; $seconds / $baseline" | bc)), peak ${rss_kib} KiB RSS, index $size bytes ($(echo "scale=2; $size / $scalars" | bc) B/scalar)"
done
