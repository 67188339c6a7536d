#!/usr/bin/env bash
# No-change rebuild cost of Repro's stamp on a large repository (issue: provenance that never lies).
# Builds a scratch console project inside a git repository with N tracked files (default 10,000), then
# times R no-change `dotnet build --no-restore` runs with the stamp on and R with it off
# (ReproStamp=false), interleaved so drift affects both equally, and prints the medians and their ratio.
# Usage: eng/benchmarks/stamp-rebuild.sh [files] [rounds]
set -euo pipefail
files=${1:-10000}
rounds=${2:-7}
root=$(cd "$(dirname "$0")/../.." && pwd)
tasks="$root/artifacts/bin/Repro.Build.Tasks/debug/Repro.Build.Tasks.dll"
[ -f "$tasks" ] || dotnet build "$root/msbuild/Repro.Build.Tasks" -nologo -v:q >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q .
mkdir -p data
for i in $(seq 1 "$files"); do echo "row $i" > "data/f$i.txt"; done
cat > Bench.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework>
    <DefaultItemExcludes>\$(DefaultItemExcludes);data/**</DefaultItemExcludes></PropertyGroup>
  <PropertyGroup><ReproTasksAssembly>$tasks</ReproTasksAssembly></PropertyGroup>
  <Import Project="$root/msbuild/Repro.Build.Tasks/build/Repro.props" />
  <Import Project="$root/msbuild/Repro.Build.Tasks/build/Repro.targets" />
</Project>
XML
echo 'System.Console.WriteLine("hi");' > Program.cs
printf 'bin/\nobj/\n' > .gitignore
git add -A && git -c user.email=b@b -c user.name=b commit -qm init
dotnet build -nologo -v:q >/dev/null
dotnet build -nologo -v:q -p:ReproStamp=false >/dev/null

time_build() { # prints milliseconds of one no-change build
  local start end
  start=$(date +%s%N)
  dotnet build --no-restore -nologo -v:q "$@" >/dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
on=(); off=()
# Warm both configurations once more, so the first timed pair is not a cold one.
time_build >/dev/null; time_build -p:ReproStamp=false >/dev/null
for _ in $(seq 1 "$rounds"); do
  on+=("$(time_build)")
  off+=("$(time_build -p:ReproStamp=false)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_on=$(median "${on[@]}"); m_off=$(median "${off[@]}")
echo "tracked files: $files, rounds: $rounds"
echo "no-change rebuild with the stamp:    ${m_on} ms (runs: ${on[*]})"
echo "no-change rebuild without the stamp: ${m_off} ms (runs: ${off[*]})"
awk -v a="$m_on" -v b="$m_off" 'BEGIN { printf "ratio: %.3f\n", a / b }'
# The fingerprint alone: git status on the same tree.
start=$(date +%s%N); GIT_OPTIONAL_LOCKS=0 git status --porcelain=v2 -z --untracked-files=all >/dev/null; end=$(date +%s%N)
echo "git status --porcelain=v2 on the tree: $(( (end - start) / 1000000 )) ms"
