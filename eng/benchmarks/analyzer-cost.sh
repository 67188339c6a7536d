#!/usr/bin/env bash
# Compile-time cost of Repro's analyzers on a large TorchSharp project (issue: analyzers that engineers keep on).
# Generates a class library of C copies (default 46, about 31,000 lines) of the realistic training programs the
# analyzer tests use (both the nondeterministic and the fixed versions, markup removed, each copy in its own
# namespace), then times R full recompiles (`dotnet build --no-restore --no-incremental`) with the analyzers and R
# without (ReproAnalyzers=false), interleaved so drift affects both equally, prints the medians of wall clock and
# of the build's CPU time and their ratios, and the per-analyzer times from one build with ReportAnalyzer=true.
# With kind "exe" the project is a program (it has a Main), so the seeding rules summarize every method body to
# follow entry points (the costlier mode); the default "library" has no entry point and is judged as a whole.
# With ordinary=N, each copy also gets N files of ordinary application code (parsing, collections, LINQ, text),
# as in a real project where training code is a small part; the default 0 is the worst case, all training code.
# With versions "fixed", only the fixed version of each program is copied: a project that has dealt with its
# warnings, so the figure is the cost of analysing, not of logging thousands of warnings (the default "both" has
# about 87 diagnostics per copy).
# Usage: eng/benchmarks/analyzer-cost.sh [copies] [rounds] [library|exe] [ordinary] [both|fixed]
set -euo pipefail
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
copies=${1:-46}
rounds=${2:-5}
kind=${3:-library}
ordinary=${4:-0}
versions=${5:-both}
root=$(cd "$(dirname "$0")/../.." && pwd)
dotnet build "$root/analyzers/Repro.Analyzers" -c Release -nologo -v:q >/dev/null
analyzers="$root/artifacts/bin/Repro.Analyzers/release/Repro.Analyzers.dll"
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
echo "work folder: $work" >&2
cd "$work"
cat > Large.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>disable</Nullable><ImplicitUsings>disable</ImplicitUsings>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors><NoWarn>\$(NoWarn);CS0168;CS0219;CS8321;CS0162</NoWarn></PropertyGroup>
  <ItemGroup><PackageReference Include="TorchSharp-cpu" Version="0.107.0" /><PackageReference Include="TorchVision" Version="0.107.0" /></ItemGroup>
  <ItemGroup Condition="'\$(ReproAnalyzers)' != 'false'"><Analyzer Include="$analyzers" /></ItemGroup>
</Project>
XML
if [ "$kind" = exe ]; then
  sed -i 's|<TargetFramework>|<OutputType>Exe</OutputType><TargetFramework>|' Large.csproj
  cat > Program.cs <<'CS'
public static class Program
{
    public static void Main() => System.Console.WriteLine(typeof(Program).Assembly.GetTypes().Length);
}
CS
fi
python3 - "$root" "$copies" "$ordinary" "$versions" <<'PY'
import pathlib, re, sys
root, copies, ordinary, versions = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
# Ordinary application code: no randomness, no torch, no file listings; what most of a real project is.
ORDINARY = """using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace App{i};

public sealed record Order{j}(string Customer, decimal Amount, DateOnly Day, IReadOnlyList<string> Items);

public static class OrderReport{j}
{
    public static IReadOnlyList<Order{j}> Parse(IEnumerable<string> lines)
    {
        var orders = new List<Order{j}>();
        foreach (var line in lines)
        {
            var parts = line.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length < 4 || !decimal.TryParse(parts[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
            {
                continue;
            }

            var day = DateOnly.ParseExact(parts[2], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            orders.Add(new Order{j}(parts[0], amount, day, parts[3].Split(',').Select(item => item.Trim()).Where(item => item.Length > 0).ToList()));
        }

        return orders;
    }

    public static string Summarize(IReadOnlyList<Order{j}> orders)
    {
        var builder = new StringBuilder();
        var byCustomer = orders.GroupBy(order => order.Customer, StringComparer.Ordinal).OrderBy(group => group.Key, StringComparer.Ordinal);
        foreach (var group in byCustomer)
        {
            var total = group.Sum(order => order.Amount);
            var items = group.SelectMany(order => order.Items).Distinct(StringComparer.Ordinal).Count();
            builder.Append(group.Key).Append(": ").Append(total.ToString("F2", CultureInfo.InvariantCulture)).Append(" in ").Append(items).AppendLine(" items");
        }

        var busiest = orders.GroupBy(order => order.Day).OrderByDescending(group => group.Count()).ThenBy(group => group.Key).FirstOrDefault();
        if (busiest is not null)
        {
            builder.Append("Busiest day: ").Append(busiest.Key.ToString("O", CultureInfo.InvariantCulture)).AppendLine();
        }

        return builder.ToString();
    }

    public static Dictionary<string, decimal> Totals(IReadOnlyList<Order{j}> orders, Func<Order{j}, bool> include)
    {
        var totals = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var order in orders.Where(include))
        {
            totals[order.Customer] = totals.TryGetValue(order.Customer, out var sum) ? sum + order.Amount : order.Amount;
        }

        return totals;
    }
}
"""
# The corpus programs that need no test framework (the test-project program references xUnit).
programs = sorted(p for p in (root / "tests/analyzers/Repro.Analyzers.Tests/Realistic/Programs").glob("*.cs")
                  if "// references:" not in p.read_text() and (versions == "both" or p.name.endswith(".Fixed.cs")))
lines = 0
for i in range(copies):
    for program in programs:
        text = re.sub(r"\{\|[A-Z0-9#]+:", "", program.read_text()).replace("|}", "")
        head, _, body = text.rpartition("\nusing ")
        first, _, rest = body.partition("\n")
        text = f"{head}\nusing {first}\nnamespace Copy{i}.{program.stem.replace('.', '_')};\n{rest}"
        pathlib.Path(f"Copy{i}_{program.stem}.cs").write_text(text)
        lines += text.count("\n")
    for j in range(ordinary):
        text = ORDINARY.replace("{i}", str(i)).replace("{j}", str(j))
        pathlib.Path(f"App{i}_{j}.cs").write_text(text)
        lines += text.count("\n")
print(f"{lines} lines in {copies * (len(programs) + ordinary)} files")
PY
dotnet build -nologo -v:q > build.log 2>&1 || { tail -20 build.log; exit 1; }
# Each build runs the compiler as its own process (UseSharedCompilation=false), so the CPU seconds of the build's
# process tree (user + system, from /usr/bin/time) include the compiler's, analyzers and JIT of the analyzers
# included: a steadier figure than wall clock on a shared 2-core machine, and the cost a CI build pays.
build() {
  local start end times
  times=$(mktemp)
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$times" dotnet build --no-restore --no-incremental -nologo -v:q -p:UseSharedCompilation=false "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $(awk '{print $1 + $2}' "$times")"
  rm -f "$times"
}
on=(); off=(); on_cpu=(); off_cpu=()
for _ in $(seq 1 "$rounds"); do
  read -r wall cpu <<<"$(build)"; on+=("$wall"); on_cpu+=("$cpu")
  read -r wall cpu <<<"$(build -p:ReproAnalyzers=false)"; off+=("$wall"); off_cpu+=("$cpu")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
if [ "$rounds" -gt 0 ]; then
  m_on=$(median "${on[@]}"); m_off=$(median "${off[@]}")
  c_on=$(median "${on_cpu[@]}"); c_off=$(median "${off_cpu[@]}")
  echo "wall, with analyzers:           ${on[*]}  median $m_on s"
  echo "wall, without analyzers:        ${off[*]}  median $m_off s"
  echo "build CPU, with analyzers:       ${on_cpu[*]}  median $c_on s"
  echo "build CPU, without analyzers:    ${off_cpu[*]}  median $c_off s"
  echo "ratio (wall): $(echo "scale=3; $m_on / $m_off" | bc)  ratio (build CPU): $(echo "scale=3; $c_on / $c_off" | bc)"
fi
dotnet build --no-restore --no-incremental -nologo -v:d -p:ReportAnalyzer=true 2>&1 \
  | grep -E "Total analyzer execution time|Repro\.Analyzers\.Rules\.[A-Za-z]+ *$|^\s+[0-9.<]+ +[0-9<]+ +Repro" | sort -u | head -40
