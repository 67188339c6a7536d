#!/usr/bin/env bash
# The space the default retention policy saves on a run of SCALARS scalars (default 10,000,000 over four metrics),
# and what downsampling costs, whole processes: the run's log before and after `repro gc` with the default bucket
# (100 values a metric) and downsample_after_days = 0 so the run qualifies at once; gc's wall time and peak memory
# against reading the same WAL bytes once with sha256sum in the same run; `repro report` of the run before and after.
# Usage: eng/benchmarks/downsample-10m.sh [scalars]   (KEEP=1 keeps the work folder)
set -euo pipefail
scalars=${1:-10000000}
source "$(dirname "$0")/common.sh"
sine_run "$scalars"
before=$wal_bytes
start=$(date +%s.%N); "${repro[@]}" report "$run" -o "$work/before.html" > /dev/null; end=$(date +%s.%N)
report_before=$(echo "$end - $start" | bc)
echo '{ "downsample_after_days": 0 }' > "$REPRO_HOME/retention.json"
/usr/bin/time -f "%e %M" -o "$work/time" "${repro[@]}" gc > "$work/gc.txt"
read -r seconds rss_kib < <(tail -1 "$work/time")
after=$(bytes_of "$wal"/*.log)
start=$(date +%s.%N); "${repro[@]}" report "$run" -o "$work/after.html" > /dev/null; end=$(date +%s.%N)
report_after=$(echo "$end - $start" | bc)
"${repro[@]}" verify "$run" > "$work/verify.txt" && echo "repro verify: passed"
grep -E "^downsample" "$work/gc.txt"
echo "log: $before bytes ($(echo "scale=2; $before / $scalars" | bc) B/scalar) -> $after bytes ($(echo "scale=3; $after / $scalars" | bc) B/scalar); saved $(echo "scale=2; 100 - 100 * $after / $before" | bc) %"
echo "repro gc: ${seconds} s, peak ${rss_kib} KiB RSS; sha256sum of the same WAL bytes: ${baseline} s; ratio $(echo "scale=2; $seconds / $baseline" | bc)"
echo "repro report: ${report_before} s raw, ${report_after} s downsampled; HTML $(stat -c %s "$work/before.html") -> $(stat -c %s "$work/after.html") bytes"
