#!/usr/bin/env bash
# `repro report` of one run with one metric of SCALARS values (default 10,000,000), whole processes: the time to
# write the report and its size, then the time headless Chromium takes to load and screenshot it, against the same
# on a minimal page in the same run (the difference is the report's own rendering cost).
# Usage: eng/benchmarks/report-10m.sh [scalars]   (KEEP=1 keeps the work folder; needs chromium)
set -euo pipefail
scalars=${1:-10000000}
source "$(dirname "$0")/common.sh"
build_scalar_writer
run=$(write_run "$scalars" 1 -1)
start=$(date +%s.%N); "${repro[@]}" report "$run" -o "$work/report.html" >/dev/null; end=$(date +%s.%N)
echo "repro report of $scalars values: $(echo "$end - $start" | bc) s, $(stat -c %s "$work/report.html") bytes"
echo '<!doctype html><html><body><p>empty</p></body></html>' > "$work/empty.html"
shoot() {
  local start end
  start=$(date +%s.%N)
  chromium --headless --no-sandbox --disable-gpu --window-size=1000,1200 --screenshot="$work/shot.png" "file://$1" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
shoot "$work/empty.html" >/dev/null # warm the browser's files
empty=$(shoot "$work/empty.html")
report=$(shoot "$work/report.html")
echo "chromium load + screenshot: report ${report} s, minimal page ${empty} s, difference $(echo "$report - $empty" | bc) s"
