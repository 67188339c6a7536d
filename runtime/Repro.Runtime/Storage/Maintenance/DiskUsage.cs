using Repro.Artifacts;
using Repro.Events;
using Repro.Runs;

namespace Repro.Storage.Maintenance;

/// <summary>What one run takes on disk.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="InTrash">Whether it is in the trash.</param>
/// <param name="LogBytes">Its WAL segments.</param>
/// <param name="OtherBytes">Its other files: manifest, annotations, lock.</param>
/// <param name="ArtifactBytes">The stored objects it references (each counted once per run).</param>
/// <param name="SharedArtifactBytes">The part of <paramref name="ArtifactBytes"/> that other runs reference too (what deleting this run alone would not free).</param>
public sealed record RunUsage(string RunId, string Name, bool InTrash, long LogBytes, long OtherBytes, long ArtifactBytes, long SharedArtifactBytes)
{
    /// <summary>What the run takes, counting its artifacts.</summary>
    public long TotalBytes => LogBytes + OtherBytes + ArtifactBytes;
}

/// <summary>What a Repro home takes on disk.</summary>
/// <param name="Runs">Every run in the home and the trash, largest first.</param>
/// <param name="ObjectBytes">The content store, in all.</param>
/// <param name="UnreferencedObjectBytes">Objects no run references (what gc may remove once past the grace time).</param>
/// <param name="IndexBytes">The SQLite index.</param>
/// <param name="TotalBytes">Every file under the home.</param>
public sealed record HomeUsage(IReadOnlyList<RunUsage> Runs, long ObjectBytes, long UnreferencedObjectBytes, long IndexBytes, long TotalBytes);

/// <summary>How much of a run's log one kind of record takes.</summary>
/// <param name="Type">The record's kind: <c>scalars</c> (batched raw scalars) or the event's value (aggregate, histogram, sketch, text…).</param>
/// <param name="Records">How many records.</param>
/// <param name="Values">How many values they hold (scalars in batches; 1 per event).</param>
/// <param name="EncodedBytes">Their encoded size, before the WAL's framing.</param>
public sealed record EventTypeUsage(string Type, long Records, long Values, long EncodedBytes);

/// <summary><c>repro du</c>: disk usage of a home, per run and per kind of record.</summary>
public static class DiskUsage
{
    /// <summary>Measures the home: every run (and trashed run), the content store and the index.</summary>
    public static HomeUsage Measure(RunStore store, Action<string, string>? onUnreadable = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var objects = new ContentStore(store.Home);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var hash in objects.List())
        {
            var file = new FileInfo(objects.PathOf(hash));
            if (file.Exists)
            {
                sizes[hash] = file.Length;
            }
        }

        var folders = ObjectReferences.HomeRuns(store, onUnreadable);
        var referencedBy = new Dictionary<string, int>(StringComparer.Ordinal);
        var perRun = folders.Select(f => (f.Manifest, f.Folder, f.InTrash, Hashes: ObjectReferences.Of(f.Manifest, objects, _ => { }, ObjectReferences.Pruned(f.Folder, _ => { })))).ToList();
        foreach (var hash in perRun.SelectMany(r => r.Hashes))
        {
            referencedBy[hash] = referencedBy.GetValueOrDefault(hash) + 1;
        }

        var runs = perRun.Select(r =>
        {
            var log = FolderSize.Of(ReproHome.WalDirectory(r.Folder));
            var stored = r.Hashes.Where(sizes.ContainsKey).ToList();
            return new RunUsage(r.Manifest.RunId, r.Manifest.Name, r.InTrash, log, FolderSize.Of(r.Folder) - log,
                stored.Sum(h => sizes[h]), stored.Where(h => referencedBy[h] > 1).Sum(h => sizes[h]));
        }).OrderByDescending(r => r.TotalBytes).ThenBy(r => r.RunId, StringComparer.Ordinal).ToList();

        var index = RunIndex.PathOf(store.Home);
        var indexBytes = new[] { index, index + "-wal", index + "-shm" }.Where(File.Exists).Sum(p => new FileInfo(p).Length);
        return new HomeUsage(runs, sizes.Values.Sum(), sizes.Where(s => !referencedBy.ContainsKey(s.Key)).Sum(s => s.Value), indexBytes, FolderSize.Of(store.Home));
    }

    /// <summary>How much of run <paramref name="runId"/>'s log each kind of record takes, largest first.</summary>
    /// <exception cref="RunNotFoundException">No such run in the home.</exception>
    public static IReadOnlyList<EventTypeUsage> ByEventType(IRunReader reader, string runId)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var usage = new Dictionary<string, (long Records, long Values, long Bytes)>(StringComparer.Ordinal);
        foreach (var item in reader.ReadRecords(runId))
        {
            var record = item.Record;
            var (type, values) = record.BodyCase == Record.BodyOneofCase.Scalars
                ? ("scalars", (long)record.Scalars.Values.Count)
                : (TypeName(record.Event.ValueCase), 1L);
            var (records, count, bytes) = usage.GetValueOrDefault(type);
            usage[type] = (records + 1, count + values, bytes + record.CalculateSize());
        }

        return [.. usage.Select(u => new EventTypeUsage(u.Key, u.Value.Records, u.Value.Values, u.Value.Bytes)).OrderByDescending(u => u.EncodedBytes).ThenBy(u => u.Type, StringComparer.Ordinal)];
    }

    /// <summary>snake_case, as the event's field is named in the schema (tag_moved, metric_declared).</summary>
    private static string TypeName(Event.ValueOneofCase value) =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
