using System.Globalization;
using System.Text.Json;
using Repro.Hyperparameters;
using Repro.Runs;

namespace Repro.Comparison;

/// <summary>One recorded fact that differs between two runs; null where a run has no such fact.</summary>
/// <param name="Field">What differs (a hyperparameter's path, a package, a seed's generator…).</param>
/// <param name="A">Run A's value.</param>
/// <param name="B">Run B's value.</param>
public sealed record Difference(string Field, string? A, string? B);

/// <summary>The differences in one part of the record, named as <c>repro diff</c> prints them.</summary>
/// <param name="Name">hyperparameters, seeds, data, code, packages, determinism or environment.</param>
/// <param name="Differences">What differs, in field order.</param>
public sealed record DifferenceSection(string Name, IReadOnlyList<Difference> Differences);

/// <summary>
/// Compares what two manifests recorded, part by part, in the order the parts most often explain a difference in
/// results: seeds, hyperparameters, data, code, packages, determinism switches, then the machine.
/// </summary>
internal static class RecordComparer
{
    public static IReadOnlyList<DifferenceSection> Compare(RunManifest a, RunManifest b, PatchComparison? patches) =>
    [
        new("seeds", Differences(a.Seeds.ToDictionary(s => s.Key, s => Text(s.Value)), b.Seeds.ToDictionary(s => s.Key, s => Text(s.Value)))),
        new("hyperparameters", Hyperparameters(a, b)),
        new("data", Data(a, b)),
        new("code", Code(a, b, patches)),
        new("packages", Packages(a, b)),
        new("determinism", Differences(a.Determinism?.Facts ?? Empty, b.Determinism?.Facts ?? Empty)),
        new("environment", Environment(a.Environment, b.Environment)),
    ];

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static List<Difference> Hyperparameters(RunManifest a, RunManifest b)
    {
        var differences = new List<Difference>();
        if (a.ConfigHash != b.ConfigHash)
        {
            differences.Add(new("configuration hash", a.ConfigHash, b.ConfigHash));
        }

        differences.AddRange(Differences(ConfigurationPaths.Flatten(a.Hyperparameters), ConfigurationPaths.Flatten(b.Hyperparameters)));
        var argumentsA = string.Join(' ', a.Environment.CommandLine.Skip(1));
        var argumentsB = string.Join(' ', b.Environment.CommandLine.Skip(1));
        if (argumentsA != argumentsB)
        {
            differences.Add(new("command-line arguments", argumentsA, argumentsB));
        }

        return differences;
    }

    private static List<Difference> Data(RunManifest a, RunManifest b)
    {
        static Dictionary<string, string> Of(RunLineage lineage)
        {
            var facts = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var dataset in lineage.Datasets)
            {
                facts[$"dataset {dataset.Name}"] = string.Create(CultureInfo.InvariantCulture, $"{dataset.Sha256} ({dataset.Files} files, {dataset.Bytes} bytes)");
            }

            foreach (var split in lineage.Splits)
            {
                facts[$"split {split.Name}"] = string.Create(CultureInfo.InvariantCulture, $"{split.Sha256} ({split.Count} indices)");
            }

            return facts;
        }

        return Differences(Of(a.Lineage), Of(b.Lineage));
    }

    private static List<Difference> Code(RunManifest a, RunManifest b, PatchComparison? patches)
    {
        static Dictionary<string, string> Of(RunManifest m)
        {
            var facts = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["commit"] = m.Build.Stamped ? m.Build.Commit ?? "(not in git)" : "(unstamped)",
                ["dirty"] = m.Build.Dirty is { } dirty ? (dirty ? "yes" : "no") : "unknown",
                ["patch SHA-256"] = m.Build.PatchSha256 ?? "(none)",
            };
            foreach (var reference in m.ReferencedBuilds)
            {
                facts[$"build of {reference.Assembly}"] = (reference.Commit ?? "(not in git)") + (reference.Dirty == true ? " (dirty)" : string.Empty);
            }

            return facts;
        }

        var differences = Differences(Of(a), Of(b));
        if (patches is not null)
        {
            differences.AddRange(patches.Files.Select(file => new Difference($"patched file {file.Path}", file.A, file.B)));
        }

        return differences;
    }

    private static List<Difference> Packages(RunManifest a, RunManifest b)
    {
        static Dictionary<string, string> Of(RunManifest m)
        {
            var facts = new Dictionary<string, string>(StringComparer.Ordinal);
            if (m.Build.Provenance is { ValueKind: JsonValueKind.Object } provenance && provenance.TryGetProperty("packages", out var packages) && packages.ValueKind == JsonValueKind.Object)
            {
                if (packages.TryGetProperty("resolved", out var resolved) && resolved.ValueKind == JsonValueKind.Array)
                {
                    foreach (var entry in resolved.EnumerateArray().Select(e => e.GetString() ?? string.Empty))
                    {
                        var slash = entry.LastIndexOf('/');
                        if (slash > 0)
                        {
                            facts[$"package {entry[..slash]}"] = entry[(slash + 1)..];
                        }
                    }
                }

                if (packages.TryGetProperty("lockFiles", out var lockFiles) && lockFiles.ValueKind == JsonValueKind.Object)
                {
                    foreach (var file in lockFiles.EnumerateObject())
                    {
                        facts[$"lock file {file.Name}"] = file.Value.ToString();
                    }
                }
            }

            foreach (var (library, version) in m.Environment.Libraries)
            {
                facts[$"library {library}"] = version;
            }

            return facts;
        }

        return Differences(Of(a), Of(b));
    }

    private static List<Difference> Environment(RunEnvironment a, RunEnvironment b)
    {
        static Dictionary<string, string> Of(RunEnvironment e)
        {
            var facts = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["operating system"] = e.OperatingSystem,
                ["kernel"] = e.Kernel ?? "unknown",
                [".NET"] = e.Framework,
                ["runtime identifier"] = e.RuntimeIdentifier ?? "unknown",
                ["CPU"] = e.CpuModel ?? "unknown",
                ["processors"] = Text(e.ProcessorCount),
                ["memory"] = Text(e.MemoryBytes),
                ["host"] = e.Host,
                ["container"] = e.ContainerId ?? "none",
                ["world size"] = Text(e.WorldSize),
            };
            foreach (var gpu in e.Gpus)
            {
                facts[$"GPU {Text(gpu.Index)}"] = $"{gpu.Name}, driver {gpu.Driver}, CUDA {gpu.CudaVersion ?? "?"}";
            }

            // Where a run is stored and which run it re-executes are bookkeeping, not conditions of the computation.
            foreach (var (name, value) in e.Variables.Where(v => v.Key is not ("REPRO_HOME" or RunOptions.RerunOfVariable)))
            {
                facts[$"variable {name}"] = value;
            }

            return facts;
        }

        return Differences(Of(a), Of(b));
    }

    /// <summary>Keys whose values differ or that one side lacks, in ordinal key order.</summary>
    private static List<Difference> Differences(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Keys.Union(b.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(key => (Key: key, A: a.TryGetValue(key, out var x) ? x : null, B: b.TryGetValue(key, out var y) ? y : null))
            .Where(entry => !string.Equals(entry.A, entry.B, StringComparison.Ordinal))
            .Select(entry => new Difference(entry.Key, entry.A, entry.B))
            .ToList();

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
