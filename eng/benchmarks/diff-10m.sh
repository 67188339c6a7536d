#!/usr/bin/env bash
# `repro diff` of two runs of SCALARS scalars each (default 10,000,000, over four metrics), whole processes:
# wall time and peak memory (max RSS) of the diff, against reading the same WAL bytes once with sha256sum in the
# same run. Run b equals run a except one value at 90 % of the steps, so every value is compared and the verdict
# is "diverge at step …". Usage: eng/benchmarks/diff-10m.sh [scalars]   (KEEP=1 keeps the work folder)
set -euo pipefail
scalars=${1:-10000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
dotnet build "$root/tools/Repro.Cli" -c Release -nologo -v:q >/dev/null
repro=(dotnet "$root/artifacts/bin/Repro.Cli/release/repro.dll")
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export REPRO_HOME="$work/home"
mkdir -p "$work/writer"
cat > "$work/writer/Writer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally><RestorePackagesWithLockFile>false</RestorePackagesWithLockFile></PropertyGroup>
  <ItemGroup><ProjectReference Include="$root/runtime/Repro.Runtime/Repro.Runtime.csproj" /></ItemGroup>
</Project>
XML
cat > "$work/writer/Program.cs" <<'CS'
using Repro;
using Repro.Pipeline;
var scalars = long.Parse(args[0]);
var disturbAt = long.Parse(args[1]);
string[] names = ["loss", "accuracy", "grad_norm", "learning_rate"];
var metrics = names.Select(n => new MetricDeclaration(n)).ToArray();
using var run = Run.Start(new RunOptions { Name = "diff-bench", TelemetryInterval = TimeSpan.Zero, Pipeline = new EventPipelineOptions { FullPolicy = BufferFullPolicy.Block } });
for (long i = 0; i < scalars; i++)
{
    var step = i / metrics.Length;
    var value = Math.Sin(step * 1e-3) + (i % metrics.Length);
    run.LogScalar(metrics[i % metrics.Length], step, step == disturbAt && i % metrics.Length == 0 ? value + 1e-9 : value);
}
Console.WriteLine(run.Id);
CS
dotnet build "$work/writer" -c Release -nologo -v:q -o "$work/writer/out" >/dev/null
steps=$((scalars / 4))
a=$(dotnet "$work/writer/out/Writer.dll" "$scalars" -1 | tail -1)
b=$(dotnet "$work/writer/out/Writer.dll" "$scalars" $((steps * 9 / 10)) | tail -1)
wal_bytes=$(du -cb "$REPRO_HOME/runs/$a/wal" "$REPRO_HOME/runs/$b/wal" | tail -1 | cut -f1)
echo "two runs of $scalars scalars; WALs $((wal_bytes / 1024 / 1024)) MiB together"
cat "$REPRO_HOME/runs/$a/wal/"* "$REPRO_HOME/runs/$b/wal/"* > /dev/null # warm the page cache for both
start=$(date +%s.%N); cat "$REPRO_HOME/runs/$a/wal/"* "$REPRO_HOME/runs/$b/wal/"* | sha256sum > /dev/null; end=$(date +%s.%N)
baseline=$(echo "$end - $start" | bc)
set +e
/usr/bin/time -f "%e %M" -o "$work/time" "${repro[@]}" diff "$a" "$b" > "$work/diff.txt"
code=$?
set -e
read -r seconds rss_kib < <(tail -1 "$work/time")
grep -E "^(diverge|identical)" "$work/diff.txt"
echo "repro diff: ${seconds} s, peak ${rss_kib} KiB RSS, exit ${code}"
echo "sha256sum of the same WAL bytes: ${baseline} s"
echo "ratio diff/sha256sum: $(echo "scale=2; $seconds / $baseline" | bc)"
