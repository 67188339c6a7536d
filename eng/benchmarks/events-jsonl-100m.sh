#!/usr/bin/env bash
# `repro events --jsonl` on a run of SCALARS scalars (default 100,000,000 over four metrics), whole processes: its
# wall time and peak memory (RSS) while streaming every line into `wc`, against `cat | sha256sum` of the same WAL bytes
# in the same run. The peak shows that the command streams: it does not grow with the run (compare 10,000,000).
# Usage: eng/benchmarks/events-jsonl-100m.sh [scalars]   (KEEP=1 keeps the work folder)
set -euo pipefail
scalars=${1:-100000000}
source "$(dirname "$0")/common.sh"
sine_run "$scalars"
/usr/bin/time -f "%e %M" -o "$work/time" "${repro[@]}" events "$run" --jsonl | wc -lc > "$work/count"
read -r seconds rss_kib < <(tail -1 "$work/time")
read -r lines output_bytes < "$work/count"
echo "run: $scalars scalars, WAL $wal_bytes bytes ($(echo "scale=2; $wal_bytes / $scalars" | bc) B/scalar)"
echo "repro events --jsonl: $lines lines, $output_bytes bytes in ${seconds} s ($(echo "scale=2; $scalars / $seconds / 1000000" | bc) million scalars/s), peak ${rss_kib} KiB RSS"
echo "sha256sum of the same WAL bytes: ${baseline} s; ratio $(echo "scale=1; $seconds / $baseline" | bc)"
