namespace Repro.Artifacts;

/// <summary>An artifact as stored and recorded.</summary>
/// <param name="Name">Its name in the run.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Sha256">SHA-256 of the stored object (a folder: of its listing).</param>
/// <param name="Size">Size in bytes (a folder: of all its files).</param>
/// <param name="MediaType">Its media type.</param>
/// <param name="Step">The step it belongs to.</param>
/// <param name="Location">Where the object lies: <c>cas:sha256/&lt;hash&gt;</c>.</param>
public sealed record ArtifactRecord(string Name, ArtifactKind Kind, string Sha256, long Size, string MediaType, long Step, string Location);

/// <summary>
/// An artifact being stored in the background: <see cref="Run.LogArtifact(string, string, ArtifactOptions?)"/> returns at once, and
/// <see cref="Completion"/> completes when the bytes are in the store and the event is written (or fails, saying why;
/// the run also records the failure as a warning). The file must not change until then.
/// </summary>
public sealed class PendingArtifact
{
    internal PendingArtifact(string name, TaskCompletionSource<ArtifactRecord> completion)
    {
        Name = name;
        Source = completion;
    }

    /// <summary>The artifact's name.</summary>
    public string Name { get; }

    /// <summary>Completes with the record once the artifact is stored.</summary>
    public Task<ArtifactRecord> Completion => Source.Task;

    internal TaskCompletionSource<ArtifactRecord> Source { get; }

    /// <summary>Waits until the artifact is stored and returns its record.</summary>
    /// <exception cref="IOException">It could not be stored (the message says why).</exception>
    public ArtifactRecord Wait() => Completion.GetAwaiter().GetResult();
}
