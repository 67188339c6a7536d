#!/usr/bin/env bash
# `repro diff` of two runs of SCALARS scalars each (default 10,000,000, over four metrics), whole processes:
# wall time and peak memory (max RSS) of the diff, against reading the same WAL bytes once with sha256sum in the
# same run. Run b equals run a except one value at 90 % of the steps, so every value is compared and the verdict
# is "diverge at step …". Usage: eng/benchmarks/diff-10m.sh [scalars]   (KEEP=1 keeps the work folder)
set -euo pipefail
scalars=${1:-10000000}
source "$(dirname "$0")/common.sh"
build_scalar_writer
steps=$((scalars / 4))
a=$(write_run "$scalars" 4 -1)
b=$(write_run "$scalars" 4 $((steps * 9 / 10)))
wal_bytes=$(bytes_of "$REPRO_HOME/runs/$a/wal" "$REPRO_HOME/runs/$b/wal")
echo "two runs of $scalars scalars; WALs $((wal_bytes / 1024 / 1024)) MiB together"
baseline=$(sha256_seconds "$REPRO_HOME/runs/$a/wal/"* "$REPRO_HOME/runs/$b/wal/"*)
set +e
/usr/bin/time -f "%e %M" -o "$work/time" "${repro[@]}" diff "$a" "$b" > "$work/diff.txt"
code=$?
set -e
read -r seconds rss_kib < <(tail -1 "$work/time")
grep -E "^(diverge|identical)" "$work/diff.txt"
echo "repro diff: ${seconds} s, peak ${rss_kib} KiB RSS, exit ${code}"
echo "sha256sum of the same WAL bytes: ${baseline} s"
echo "ratio diff/sha256sum: $(echo "scale=2; $seconds / $baseline" | bc)"
