using System.CommandLine;
using System.Text.Json;
using Repro.Artifacts;
using Repro.Datasets;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary><c>repro dataset hash|diff</c>: fingerprints of folders, and what changed between two of them.</summary>
internal static class DatasetCommand
{
    public static Command Create(Option<string?> home)
    {
        var dataset = new Command("dataset", "Fingerprint datasets and compare them (docs/formats/datasets.md).");
        dataset.Subcommands.Add(CreateHash(home));
        dataset.Subcommands.Add(CreateDiff(home));
        return dataset;
    }

    private static Command CreateHash(Option<string?> home)
    {
        var path = new Argument<string>("path") { Description = "The dataset's folder (or one file)." };
        var json = new Option<bool>("--json") { Description = "Print {root, algorithm, files, bytes, filesHashed} as JSON." };
        var verify = new Option<bool>("--verify") { Description = "Rehash every file, ignoring (and refreshing) the cache of file hashes." };
        var hash = new Command("hash", "Fingerprint a folder: the Merkle root over the SHA-256 of every file.") { path, json, verify };
        hash.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var fingerprint = Fingerprint(context, parse.GetValue(path)!, parse.GetValue(verify));
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["root"] = fingerprint.Root,
                    ["algorithm"] = fingerprint.Algorithm,
                    ["files"] = fingerprint.Files,
                    ["bytes"] = fingerprint.Bytes,
                    ["filesHashed"] = fingerprint.FilesHashed,
                }, Indented));
            }
            else
            {
                context.Output.WriteLine($"{fingerprint.Root}  {fingerprint.Files} files, {ArtifactsCommand.Bytes(fingerprint.Bytes)} ({fingerprint.FilesHashed} hashed, the rest from the cache)");
            }

            return ExitCodes.Success;
        }));
        return hash;
    }

    private static Command CreateDiff(Option<string?> home)
    {
        var first = new Argument<string>("a") { Description = "A folder, or a run's dataset: <run-id>[:<dataset-name>] (the run's last dataset when no name is given)." };
        var second = new Argument<string>("b") { Description = "The same, to compare against." };
        var json = new Option<bool>("--json") { Description = "Print added, removed and changed files as JSON." };
        var diff = new Command("diff", "Files added, removed and changed between two fingerprints; exit 0 when equal, 1 when they differ.") { first, second, json };
        diff.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var before = Listing(context, parse.GetValue(first)!);
            var after = Listing(context, parse.GetValue(second)!);
            var difference = DatasetDiff.Compare(before, after);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["added"] = difference.Added.Select(file => file.RelativePath),
                    ["removed"] = difference.Removed.Select(file => file.RelativePath),
                    ["changed"] = difference.Changed.Select(file => file.RelativePath),
                }, Indented));
            }
            else
            {
                foreach (var file in difference.Added)
                {
                    context.Output.WriteLine($"+ {file.RelativePath}");
                }

                foreach (var file in difference.Removed)
                {
                    context.Output.WriteLine($"- {file.RelativePath}");
                }

                foreach (var file in difference.Changed)
                {
                    context.Output.WriteLine($"~ {file.RelativePath}");
                }

                context.Output.WriteLine(difference.IsEmpty
                    ? $"identical: {before.Count} files"
                    : $"{difference.Added.Count} added, {difference.Removed.Count} removed, {difference.Changed.Count} changed");
            }

            return difference.IsEmpty ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return diff;
    }

    private static IReadOnlyList<DatasetFile> Listing(CommandContext context, string typed)
    {
        if (Directory.Exists(typed) || File.Exists(typed))
        {
            return Fingerprint(context, typed, verify: false).FileList;
        }

        var separator = typed.IndexOf(':', StringComparison.Ordinal);
        var (run, name) = separator < 0 ? (typed, null) : (typed[..separator], typed[(separator + 1)..]);
        var manifest = context.Store.GetRun(context.RunId(run));
        var datasets = manifest.Lineage.Datasets;
        var dataset = name is null ? (datasets.Count > 0 ? datasets[^1] : null) : datasets.LastOrDefault(candidate => candidate.Name == name);
        if (dataset is null)
        {
            throw new ObjectNotFoundException($"Run {manifest.RunId} has no dataset{(name is null ? string.Empty : $" '{name}'")}. "
                + $"Datasets: {(datasets.Count == 0 ? "none" : string.Join(", ", datasets.Select(d => d.Name).Distinct()))}.");
        }

        if (dataset.ListingSha256.Length == 0)
        {
            throw new InvalidDataException($"Dataset '{dataset.Name}' of run {manifest.RunId} is {dataset.Algorithm}: it has no file listing to compare.");
        }

        return FolderListing.Decode(new ContentStore(context.Store.Home).ReadAllBytes(dataset.ListingSha256));
    }

    private static DatasetHash Fingerprint(CommandContext context, string path, bool verify)
    {
        // The cache lives in the home; a home nobody has recorded into is not created just to cache hashes.
        using var cache = Directory.Exists(context.HomeLocation.Path) ? new FileHashCache(context.HomeLocation.Path) : null;
        var options = new DatasetHashOptions { Cache = cache, Verify = verify };
        DatasetHash Hash(DatasetHashOptions chosen) => DatasetHasher.HashPath(path, chosen);

        if (!context.IsTerminal)
        {
            return Hash(options);
        }

        DatasetHash? result = null;
        context.Console.Progress().Start(progress =>
        {
            var task = progress.AddTask("hashing", maxValue: 1);
            result = Hash(options with { Progress = new Progress<(long Done, long Total)>(p => { task.MaxValue = Math.Max(1, p.Total); task.Value = p.Done; }) });
            task.Value = task.MaxValue;
        });
        return result!;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
