#!/usr/bin/env bash
# Dataset fingerprint throughput and re-fingerprint cost (issue: lineage), whole processes:
#  1. `repro dataset hash --verify` (every file rehashed, in parallel) against `sha256sum` over the same files,
#     on FILES files of SIZE_MB MiB each (default 32 x 32 MiB = 1 GiB), page cache warm for both;
#  2. a tree of SMALL small files (default 100,000): the first fingerprint (hashes everything, fills the cache)
#     and a second one of the unchanged tree (metadata and the cache only).
# Usage: eng/benchmarks/dataset-hash.sh [files] [size_mb] [small]   (KEEP=1 keeps the work folder)
set -euo pipefail
files=${1:-32}
size_mb=${2:-32}
small=${3:-100000}
source "$(dirname "$0")/common.sh"
mkdir -p "$REPRO_HOME" "$work/large" "$work/small"
for i in $(seq 1 "$files"); do head -c "$((size_mb * 1024 * 1024))" /dev/urandom > "$work/large/part-$i.bin"; done
python3 - "$work/small" "$small" <<'PY'
import os, sys
folder, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    sub = os.path.join(folder, f"{i // 1000:03d}")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, f"{i:06d}.txt"), "w") as f:
        f.write(f"example {i}\n" * 8)
PY
# Age the files past the two-second "racy" window, as any dataset older than a moment is.
find "$work/small" -type f -exec touch -d '1 hour ago' {} +
timed() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); echo "$end - $start" | bc; }
cat "$work"/large/* > /dev/null # warm the page cache for both
sha=$(timed sha256sum "$work"/large/*)
ours=$(timed "${repro[@]}" dataset hash "$work/large" --verify)
startup=$(timed "${repro[@]}" dataset hash "$work/small/000" --verify)
echo "large: $files x $size_mb MiB; sha256sum ${sha} s, repro dataset hash --verify ${ours} s, ratio $(echo "scale=3; $ours / $sha" | bc) (repro's process start and a 1000-file hash: ${startup} s)"
first=$(timed "${repro[@]}" dataset hash "$work/small")
second=$(timed "${repro[@]}" dataset hash "$work/small")
echo "small: $small files; first fingerprint ${first} s, unchanged re-fingerprint ${second} s"
"${repro[@]}" dataset hash "$work/small" --json | tr -d '\n '; echo
