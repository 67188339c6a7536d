using System.Globalization;
using System.Text;
using System.Text.Json;
using Repro.Runs;
using Repro.Security;
using Repro.Storage.Audit;

namespace Repro.Storage.Maintenance;

/// <summary>
/// Soft delete: <see cref="Delete"/> moves a run's folder whole into <c>trash/&lt;run-id&gt;/run</c> beside a
/// <c>deleted.json</c> that says who, when and why; <see cref="Restore"/> moves it back untouched. Both are one
/// rename, so a run is always wholly in <c>runs/</c> or wholly in the trash, and both append to the audit log.
/// <c>repro gc</c> empties the trash after the retention policy's time. Format: <c>docs/formats/trash.md</c>.
/// </summary>
public static class RunTrash
{
    /// <summary>The file beside a trashed run that records its deletion.</summary>
    public const string RecordFileName = "deleted.json";

    /// <summary>The folder, inside a trash entry, that holds the run's own folder.</summary>
    public const string RunFolderName = "run";

    /// <summary>The home's trash.</summary>
    public static string TrashDirectory(string home) => Path.Combine(home, "trash");

    /// <summary>The trash entry of run <paramref name="runId"/>.</summary>
    public static string EntryDirectory(string home, string runId) => Path.Combine(TrashDirectory(home), runId);

    /// <summary>
    /// Moves run <paramref name="runId"/> to the trash and records it in the audit log. A run still being written
    /// is refused. Search results, listings and every command stop seeing it at once.
    /// </summary>
    /// <param name="store">The home.</param>
    /// <param name="runId">A full run id (resolve prefixes with <see cref="RunStore.ResolveRunId"/>).</param>
    /// <param name="reason">Why, for the audit log (required; redacted).</param>
    /// <param name="actor">"user", or "gc" when a retention policy moved it.</param>
    /// <exception cref="ArgumentException">No reason was given, or the id is not a run id.</exception>
    /// <exception cref="RunNotFoundException">No such run in the home.</exception>
    /// <exception cref="IOException">The run is still being written.</exception>
    public static TrashedRun Delete(RunStore store, string runId, string reason, string actor = "user")
    {
        ArgumentNullException.ThrowIfNull(store);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("Say why the run is deleted (--reason): the reason goes into the audit log.", nameof(reason));
        }

        using var maintenance = MaintenanceLock.Acquire(store.Home);
        var trashed = MoveToTrash(store, runId, reason, actor, DateTimeOffset.UtcNow);
        AuditLog.Append(store.Home, "run delete", [trashed.RunId], reason, new Dictionary<string, string>
        {
            ["by"] = actor,
            ["bytes"] = trashed.Bytes.ToString(CultureInfo.InvariantCulture),
            ["name"] = trashed.Name,
        });
        return trashed;
    }

    /// <summary>The move itself, for callers that already hold the maintenance lock and audit on their own (gc).</summary>
    internal static TrashedRun MoveToTrash(RunStore store, string runId, string reason, string actor, DateTimeOffset now)
    {
        var manifest = store.GetRun(runId); // validates the id, recovers a crashed run, throws when absent
        var folder = ReproHome.RunDirectory(store.Home, manifest.RunId);
        using (var writer = RunLock.TryAcquire(folder))
        {
            if (writer is null)
            {
                throw new IOException($"Run {manifest.RunId} is still being written; delete it once it has ended.");
            }
        }

        var entry = EntryDirectory(store.Home, manifest.RunId);
        ReproHome.CreateOwnerOnlyDirectory(entry);
        var trashed = new TrashedRun(manifest.RunId, manifest.Name, now, Environment.UserName, Environment.MachineName, SecretRedactor.Redact(reason), FolderSize.Of(folder));
        // The record first: a crash before the rename leaves a record without a run, which listings ignore and gc removes.
        AtomicFile.WriteAllText(Path.Combine(entry, RecordFileName), Serialize(trashed, actor));
        Directory.Move(folder, Path.Combine(entry, RunFolderName));
        DirectorySync.Flush(entry);
        DirectorySync.Flush(ReproHome.RunsDirectory(store.Home));
        return trashed;
    }

    /// <summary>Moves run <paramref name="idOrPrefix"/> back from the trash, intact, and records it in the audit log.</summary>
    /// <exception cref="RunNotFoundException">No such run in the trash.</exception>
    /// <exception cref="IOException">A run with that id is in the home already.</exception>
    public static TrashedRun Restore(RunStore store, string idOrPrefix, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var maintenance = MaintenanceLock.Acquire(store.Home);
        var runId = Resolve(store.Home, idOrPrefix);
        var entry = EntryDirectory(store.Home, runId);
        var trashed = ReadEntry(store.Home, runId) ?? throw new RunNotFoundException($"No run {runId} in the trash of {store.Home}.");
        var destination = ReproHome.RunDirectory(store.Home, runId);
        if (Directory.Exists(destination))
        {
            throw new IOException($"Run {runId} is in {ReproHome.RunsDirectory(store.Home)} already; its copy in the trash ({entry}) was left as it is.");
        }

        ReproHome.CreateOwnerOnlyDirectory(ReproHome.RunsDirectory(store.Home));
        Directory.Move(Path.Combine(entry, RunFolderName), destination);
        DirectorySync.Flush(ReproHome.RunsDirectory(store.Home));
        Directory.Delete(entry, recursive: true);
        DirectorySync.Flush(TrashDirectory(store.Home));
        AuditLog.Append(store.Home, "run restore", [runId], reason, new Dictionary<string, string>
        {
            ["bytes"] = trashed.Bytes.ToString(CultureInfo.InvariantCulture),
            ["deleted_at"] = trashed.DeletedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["name"] = trashed.Name,
        });
        return trashed;
    }

    /// <summary>Every run in the trash, most recently deleted first; entries a crash left without a run are skipped.</summary>
    /// <param name="home">The home.</param>
    /// <param name="onUnreadable">Called with the entry and the reason for each entry whose record cannot be read.</param>
    public static IReadOnlyList<TrashedRun> List(string home, Action<string, string>? onUnreadable = null)
    {
        var trash = TrashDirectory(home);
        if (!Directory.Exists(trash))
        {
            return [];
        }

        var runs = new List<TrashedRun>();
        foreach (var entry in Directory.GetDirectories(trash))
        {
            var runId = Path.GetFileName(entry);
            if (!Ulid.TryParse(runId, out _))
            {
                continue;
            }

            try
            {
                if (ReadEntry(home, runId) is { } trashed)
                {
                    runs.Add(trashed);
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                onUnreadable?.Invoke(entry, e.Message);
            }
        }

        return [.. runs.OrderByDescending(r => r.DeletedAt).ThenBy(r => r.RunId, StringComparer.Ordinal)];
    }

    /// <summary>The entry of <paramref name="runId"/>, or null when it holds no run (absent, or a delete cut short).</summary>
    /// <exception cref="InvalidDataException">Its record is unreadable.</exception>
    internal static TrashedRun? ReadEntry(string home, string runId)
    {
        var entry = EntryDirectory(home, runId);
        if (!Directory.Exists(Path.Combine(entry, RunFolderName)))
        {
            return null;
        }

        var path = Path.Combine(entry, RecordFileName);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            return new TrashedRun(
                root.GetProperty("run").GetString() ?? runId,
                root.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "",
                DateTimeOffset.Parse(root.GetProperty("deleted_at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                root.GetProperty("user").GetString() ?? "",
                root.GetProperty("host").GetString() ?? "",
                root.GetProperty("reason").GetString() ?? "",
                root.GetProperty("bytes").GetInt64());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException or FileNotFoundException)
        {
            throw new InvalidDataException($"{path} is not a trash record ({e.Message}); the run itself is intact in {Path.Combine(entry, RunFolderName)}.", e);
        }
    }

    /// <summary>The manifest of a run in the trash, with its annotations, as it was when deleted.</summary>
    /// <exception cref="InvalidDataException">The manifest is unreadable.</exception>
    internal static RunManifest ReadManifest(string home, string runId)
    {
        var folder = Path.Combine(EntryDirectory(home, runId), RunFolderName);
        var manifest = RunManifestJson.Read(ReproHome.ManifestPath(folder));
        return RunAnnotations.Read(folder) is { } annotations ? annotations.ApplyTo(manifest) : manifest;
    }

    private static string Resolve(string home, string idOrPrefix)
    {
        var ids = List(home).Select(r => r.RunId).Order(StringComparer.Ordinal).ToList();
        return RunIds.Resolve(idOrPrefix, $"the trash of {home}", () => ids.Count > 0 ? ids[^1] : null, prefix => ids.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList());
    }

    private static string Serialize(TrashedRun run, string actor)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("run", run.RunId);
            json.WriteString("name", run.Name);
            json.WriteString("deleted_at", run.DeletedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("user", run.User);
            json.WriteString("host", run.Host);
            json.WriteString("by", actor);
            json.WriteString("reason", run.Reason);
            json.WriteNumber("bytes", run.Bytes);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
