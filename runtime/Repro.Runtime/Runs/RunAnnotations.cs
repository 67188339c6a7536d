using System.Text.Json;
using System.Text.Json.Serialization;
using Repro.Storage;

namespace Repro.Runs;

/// <summary>One change made to a run's tags or note after it started, kept so the history stays part of the record.</summary>
/// <param name="At">When the change was made (UTC).</param>
/// <param name="Set">Tags set or changed (redacted values).</param>
/// <param name="Removed">Tag keys removed.</param>
/// <param name="Note">The new note, or null when the note did not change.</param>
/// <param name="ArtifactTagsMoved">Artifact tags moved by hand: tag → the SHA-256 it now points at; null when none moved.</param>
/// <param name="Reason">Why, for a move by hand (redacted); null otherwise.</param>
public sealed record AnnotationChange(DateTimeOffset At, IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Removed, string? Note,
    IReadOnlyDictionary<string, string>? ArtifactTagsMoved = null, string? Reason = null);

/// <summary>
/// Tags and note changed after a run started (<c>runs/&lt;run-id&gt;/annotations.json</c>, docs/formats/annotations.md):
/// the run's own manifest is never rewritten for them; readers see the manifest with these applied.
/// </summary>
public sealed record RunAnnotations
{
    /// <summary>Version of the file format.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The file's name inside the run folder.</summary>
    public const string FileName = "annotations.json";

    /// <summary>Version of the format this file was written in.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The run's tags as they are now (ordinal key order).</summary>
    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    /// <summary>The run's note as it is now.</summary>
    public string? Note { get; init; }

    /// <summary>The run's artifact tags (tag → SHA-256) as they are now, when one was moved by hand; null when none was.</summary>
    public IReadOnlyDictionary<string, string>? ArtifactTags { get; init; }

    /// <summary>Every change, oldest first.</summary>
    public required IReadOnlyList<AnnotationChange> History { get; init; }

    /// <summary>The manifest as readers should see it: with these tags and this note.</summary>
    public RunManifest ApplyTo(RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest with
        {
            Tags = Tags,
            Note = Note,
            Lineage = ArtifactTags is null ? manifest.Lineage : manifest.Lineage with { Tags = new SortedDictionary<string, string>(ArtifactTags.ToDictionary(), StringComparer.Ordinal) },
        };
    }

    /// <summary>
    /// Points artifact tag <paramref name="tag"/> of an ended run at <paramref name="sha256"/> (one of its artifacts),
    /// by hand, recording the move and why in the history; the run's log and manifest stay as they were.
    /// </summary>
    /// <returns>The manifest as readers now see it, and the SHA-256 the tag pointed at before (null when it is new).</returns>
    /// <exception cref="ArgumentException">The tag is invalid, the object is not one of the run's artifacts, the reason is blank, or the tag already points there.</exception>
    /// <exception cref="InvalidOperationException">The run is still going: its own tag moves would race the hand-made one.</exception>
    public static (RunManifest Manifest, string? Previous) MoveArtifactTag(string runDirectory, RunManifest manifest, string tag, string sha256, string reason)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Artifacts.TagBook.Validate(tag);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (manifest.Status == RunStatus.Running)
        {
            throw new InvalidOperationException($"Run {manifest.RunId} is still going, and moves its own tags; move one by hand once it has ended.");
        }

        if (!manifest.Lineage.Artifacts.Any(a => string.Equals(a.Sha256, sha256, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"{sha256} is not an artifact of run {manifest.RunId}.", nameof(sha256));
        }

        using var gate = AcquireEditLock(runDirectory);
        var current = Read(runDirectory);
        var tags = new SortedDictionary<string, string>((current?.ArtifactTags ?? manifest.Lineage.Tags).ToDictionary(), StringComparer.Ordinal);
        var previous = tags.GetValueOrDefault(tag);
        if (previous == sha256)
        {
            throw new ArgumentException($"Tag {tag} of run {manifest.RunId} already points at {sha256}.", nameof(sha256));
        }

        tags[tag] = sha256;
        var change = new AnnotationChange(DateTimeOffset.UtcNow, new Dictionary<string, string>(), [], null,
            new SortedDictionary<string, string>(StringComparer.Ordinal) { [tag] = sha256 }, Security.SecretRedactor.Redact(reason));
        var updated = new RunAnnotations
        {
            Tags = current?.Tags ?? manifest.Tags,
            Note = current?.Note ?? manifest.Note,
            ArtifactTags = tags,
            History = [.. current?.History ?? [], change],
        };
        AtomicFile.WriteAllText(Path.Combine(runDirectory, FileName), JsonSerializer.Serialize(updated, AnnotationsJsonContext.Default.RunAnnotations) + "\n");
        return (updated.ApplyTo(manifest), previous);
    }

    /// <summary>Reads the run folder's annotations, or null when there are none.</summary>
    /// <exception cref="InvalidDataException">The file is not valid annotations.</exception>
    public static RunAnnotations? Read(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        try
        {
            var annotations = JsonSerializer.Deserialize(json, AnnotationsJsonContext.Default.RunAnnotations)
                ?? throw new InvalidDataException($"{path}: the annotations are JSON null.");
            return annotations.SchemaVersion <= CurrentSchemaVersion
                ? annotations
                : throw new InvalidDataException($"{path}: annotations schema version {annotations.SchemaVersion} is newer than this Repro understands ({CurrentSchemaVersion}).");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid run annotations: {e.Message}", e);
        }
    }

    /// <summary>
    /// Sets and removes tags and optionally replaces the note, recording the change in the history. Values are
    /// redacted as at start. Changes from several processes are serialized by a lock file beside the annotations.
    /// </summary>
    /// <returns>The manifest with the new tags and note.</returns>
    /// <exception cref="ArgumentException">A tag or the note is invalid, or nothing would change.</exception>
    public static RunManifest Edit(string runDirectory, RunManifest manifest, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, string? note)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(remove);
        RunTags.Validate(set);
        if (note is not null)
        {
            RunTags.ValidateNote(note);
        }

        if (set.Count == 0 && remove.Count == 0 && note is null)
        {
            throw new ArgumentException("Nothing to change: give tags to set (key=value), tags to remove, or a note.");
        }

        using var gate = AcquireEditLock(runDirectory);
        var current = Read(runDirectory);
        var tags = new SortedDictionary<string, string>((current?.Tags ?? manifest.Tags).ToDictionary(), StringComparer.Ordinal);
        var redacted = RunTags.Redact(set);
        foreach (var (key, value) in redacted)
        {
            tags[key] = value;
        }

        var removed = remove.Where(tags.ContainsKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var key in removed)
        {
            tags.Remove(key);
        }

        if (tags.Count > RunTags.MaxTags)
        {
            throw new ArgumentException($"A run carries at most {RunTags.MaxTags} tags; this change would leave {tags.Count}.");
        }

        var redactedNote = note is null ? null : Security.SecretRedactor.Redact(note);
        var change = new AnnotationChange(DateTimeOffset.UtcNow, redacted, removed, redactedNote);
        var updated = new RunAnnotations
        {
            Tags = tags,
            Note = note is null ? current?.Note ?? manifest.Note : redactedNote,
            ArtifactTags = current?.ArtifactTags,
            History = [.. current?.History ?? [], change],
        };
        AtomicFile.WriteAllText(Path.Combine(runDirectory, FileName), JsonSerializer.Serialize(updated, AnnotationsJsonContext.Default.RunAnnotations) + "\n");
        return updated.ApplyTo(manifest);
    }

    private static FileStream AcquireEditLock(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName + ".lock");
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ReproHome.OwnerOnlyFile;
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20); // another process is editing this run's tags
            }
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RunAnnotations))]
internal sealed partial class AnnotationsJsonContext : JsonSerializerContext;
