#!/usr/bin/env bash
# Coverage-guided fuzzing of the WAL readers with AFL++ and SharpFuzz, outside CI.
# Builds tests/fuzz/Repro.Fuzz in Release into a scratch folder, instruments Repro.Runtime.dll there,
# and runs afl-fuzz from the committed corpus (tests/fuzz/corpus/wal) for the given number of seconds.
# Afterwards it replays every queue entry and crash through the same contract CI checks, prints the
# figures, and with --keep copies the minimised queue back into the corpus (commit it).
# Needs: afl++ (apt-get install afl++) and the sharpfuzz tool (dotnet tool install --global SharpFuzz.CommandLine).
# Usage: eng/fuzz/fuzz-wal.sh [seconds] [--keep]
set -euo pipefail
seconds=${1:-600}
keep=${2:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus="$root/tests/fuzz/corpus/wal"
work=$(mktemp -d /tmp/repro-fuzz-XXXXXX)
export PATH="$PATH:$HOME/.dotnet/tools"
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }
command -v sharpfuzz >/dev/null || { echo "sharpfuzz not found: dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0" >&2; exit 2; }

dotnet publish "$root/tests/fuzz/Repro.Fuzz" -c Release -o "$work/bin" -nologo -v:q -p:ReproStamp=false >/dev/null
# An uninstrumented copy replays inputs: instrumented code needs AFL's shared memory to run.
cp -r "$work/bin" "$work/plain"
sharpfuzz "$work/bin/Repro.Runtime.dll" >/dev/null
echo "instrumented $work/bin/Repro.Runtime.dll; fuzzing for ${seconds}s from $(ls "$corpus" | wc -l) corpus inputs"

# .NET is not an AFL-compiled binary; AFL_SKIP_BIN_CHECK lets afl-fuzz drive it through SharpFuzz's forkserver.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
afl-fuzz -V "$seconds" -t 5000 -m none -i "$corpus" -o "$work/out" -- dotnet "$work/bin/Repro.Fuzz.dll" > "$work/afl.log" 2>&1 || true
stats="$work/out/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  tail -40 "$work/afl.log" >&2
  echo "afl-fuzz did not start; its log is $work/afl.log" >&2
  exit 1
fi
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|corpus_found|saved_crashes|saved_hangs|bitmap_cvg|edges_found|total_edges)' "$stats"

echo "== replaying the queue and the crashes through the contract"
dotnet "$work/plain/Repro.Fuzz.dll" --replay "$work/out/default/queue" || true
dotnet "$work/plain/Repro.Fuzz.dll" --replay "$work/out/default/crashes" 2>/dev/null | tail -1 || true
crashes=$(find "$work/out/default/crashes" -type f -name 'id:*' | wc -l)
echo "crashes: $crashes (in $work/out/default/crashes)"

if [ "$keep" = "--keep" ]; then
  # Keep what reached new code: afl-cmin picks the smallest inputs that cover the queue's edges.
  AFL_PATH=/usr/lib/afl afl-cmin -i "$work/out/default/queue" -o "$work/min" -t 5000 -m none -- dotnet "$work/bin/Repro.Fuzz.dll" >/dev/null 2>&1 || cp -r "$work/out/default/queue" "$work/min"
  n=0
  for f in "$work/min"/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    cp "$f" "$corpus/afl-$(sha256sum "$f" | cut -c1-16)"
  done
  echo "kept $n inputs in $corpus"
fi
echo "work folder: $work"
