#!/usr/bin/env bash
# `repro gc` and `repro du` over a home of RUNS real runs (default 1,000), whole processes. Each run has SCALARS
# scalars (default 10,000) and one checkpoint of its own (default 64 KiB); half the runs are in the trash and
# retention.json says trash_days = 0, so gc removes 500 runs and their 500 checkpoints. Baselines in the same run:
# `rm -rf` of a copy of the same trash and of the objects its manifests name (what deleting by hand costs, with no reference check, no crash
# safety and no audit), and `du -sb` of the home. Usage: eng/benchmarks/gc-1000.sh [runs] [scalars] [checkpoint-bytes]
set -euo pipefail
runs=${1:-1000}
scalars=${2:-10000}
checkpoint=${3:-65536}
source "$(dirname "$0")/common.sh"
dotnet build "$root/eng/benchmarks/HomeFiller" -c Release -nologo -v:q -o "$work/filler" >/dev/null
start=$(date +%s.%N)
dotnet "$work/filler/HomeFiller.dll" "$REPRO_HOME" "$runs" "$scalars" "$checkpoint" 0.5
echo "filled in $(echo "$(date +%s.%N) - $start" | bc) s; home $(du -sb "$REPRO_HOME" | cut -f1) bytes"
echo '{ "trash_days": 0 }' > "$REPRO_HOME/retention.json"
timed() { local start end; start=$(date +%s.%N); "$@" > "$work/out" 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }

# Baselines: a copy of what gc removes, deleted by hand; du of the whole home.
cp -a "$REPRO_HOME" "$work/copy"
sync
rm_seconds=$(timed bash -c "cd '$work/copy' && grep -ho '\"sha256\": *\"[0-9a-f]\{64\}\"' trash/*/run/manifest.json | grep -o '[0-9a-f]\{64\}' | sort -u | sed 's|^\(..\)|objects/sha256/\1/\1|' | xargs rm -f && rm -rf trash")
du_baseline=$(timed du -sb "$REPRO_HOME")

du_seconds=$(timed "${repro[@]}" du)
tail -1 "$work/out"
dry_seconds=$(timed "${repro[@]}" gc --dry-run)
tail -1 "$work/out"
gc_seconds=$(timed "${repro[@]}" gc)
grep -E "^(remove|delete|Freed)" "$work/out" | tail -2
echo "runs left: $(ls "$REPRO_HOME/runs" | wc -l), in the trash: $(ls "$REPRO_HOME/trash" | wc -l), objects: $(find "$REPRO_HOME/objects/sha256" -type f | wc -l)"
"${repro[@]}" audit --verify | tail -1
echo "repro gc --dry-run: ${dry_seconds} s"
echo "repro gc: ${gc_seconds} s; baseline rm -rf of the same trash and the objects its manifests name: ${rm_seconds} s; ratio $(echo "scale=2; $gc_seconds / $rm_seconds" | bc)"
echo "repro du: ${du_seconds} s; baseline du -sb: ${du_baseline} s; ratio $(echo "scale=2; $du_seconds / $du_baseline" | bc)"
