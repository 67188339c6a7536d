using System.Globalization;
using System.Text.Json;
using Repro.Artifacts;
using Repro.Runs;

namespace Repro.Storage.Maintenance;

/// <summary>A checkpoint gc pruned: the artifact stays in the run's lineage, its object is gone from the store.</summary>
/// <param name="Name">The artifact's name.</param>
/// <param name="Sha256">Its object.</param>
/// <param name="Step">Its step.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="PrunedAt">When gc pruned it.</param>
/// <param name="Rule">The rule that pruned it, e.g. <c>keep_last_checkpoints=3</c>.</param>
public sealed record PrunedCheckpoint(string Name, string Sha256, long Step, long Size, DateTimeOffset PrunedAt, string Rule);

/// <summary>
/// The record of the checkpoints gc pruned from a run (<c>keep_last_checkpoints</c>), kept in the run folder as
/// <c>pruned.json</c>: written before any of their objects is removed, so an artifact whose object is missing is
/// either pruned, and says when and by which rule, or really lost. Format: <c>docs/formats/retention.md</c>.
/// </summary>
public static class PrunedCheckpoints
{
    /// <summary>The record's file name in a run folder.</summary>
    public const string FileName = "pruned.json";

    /// <summary>The checkpoints pruned from the run in <paramref name="runDirectory"/>; empty when none were.</summary>
    /// <exception cref="InvalidDataException">The record is damaged; the message names the file.</exception>
    public static IReadOnlyList<PrunedCheckpoint> Read(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.GetProperty("version").GetInt32() != 1)
            {
                throw new InvalidDataException($"{path} has version {document.RootElement.GetProperty("version").GetInt32()}; this Repro reads version 1.");
            }

            return [.. document.RootElement.GetProperty("pruned").EnumerateArray().Select(entry => new PrunedCheckpoint(
                entry.GetProperty("name").GetString()!,
                ContentHash.Validate(entry.GetProperty("sha256").GetString(), "sha256"),
                entry.GetProperty("step").GetInt64(),
                entry.GetProperty("size").GetInt64(),
                DateTimeOffset.Parse(entry.GetProperty("prunedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                entry.GetProperty("rule").GetString()!))];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{path} is not a record of pruned checkpoints: {e.Message}", e);
        }
    }

    /// <summary>The pruned checkpoint of <paramref name="runDirectory"/> with object <paramref name="sha256"/>, or null.</summary>
    public static PrunedCheckpoint? Find(string runDirectory, string sha256)
    {
        try
        {
            return Read(runDirectory).LastOrDefault(p => string.Equals(p.Sha256, sha256, StringComparison.OrdinalIgnoreCase));
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// The checkpoints of an ended run that <paramref name="keepLast"/> prunes now: its untagged checkpoint objects
    /// older than its newest <paramref name="keepLast"/> (by their last appearance in the log), less those pruned already.
    /// </summary>
    internal static List<ArtifactSummary> Choose(RunManifest manifest, int keepLast, IReadOnlyList<PrunedCheckpoint> already)
    {
        var tagged = manifest.Lineage.Tags.Values.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var checkpointName = ArtifactKinds.Name(ArtifactKind.Checkpoint);
        var newestFirst = new List<ArtifactSummary>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var artifact in manifest.Lineage.Artifacts.Reverse())
        {
            if (artifact.Kind == checkpointName && !tagged.Contains(artifact.Sha256) && seen.Add(artifact.Sha256))
            {
                newestFirst.Add(artifact);
            }
        }

        var gone = already.Select(p => p.Sha256).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. newestFirst.Skip(keepLast).Where(a => !gone.Contains(a.Sha256)).Reverse()];
    }

    /// <summary>Adds <paramref name="pruned"/> to the run's record, atomically and durably, before any object goes.</summary>
    internal static void Append(string runDirectory, IReadOnlyList<PrunedCheckpoint> pruned)
    {
        var all = Read(runDirectory).Concat(pruned).ToList();
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteStartArray("pruned");
            foreach (var entry in all)
            {
                json.WriteStartObject();
                json.WriteString("name", entry.Name);
                json.WriteString("sha256", entry.Sha256);
                json.WriteNumber("step", entry.Step);
                json.WriteNumber("size", entry.Size);
                json.WriteString("prunedAt", entry.PrunedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                json.WriteString("rule", entry.Rule);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        AtomicFile.WriteAllText(Path.Combine(runDirectory, FileName), System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n");
    }
}
