namespace Repro.Artifacts;

/// <summary>How an artifact is described when it is logged.</summary>
public sealed record ArtifactOptions
{
    /// <summary>What it is; checkpoints move the <c>last</c> and <c>best/&lt;metric&gt;</c> tags.</summary>
    public ArtifactKind Kind { get; init; } = ArtifactKind.Other;

    /// <summary>The step it belongs to; by default the largest step any metric was logged at so far.</summary>
    public long? Step { get; init; }

    /// <summary>Its media type; by default guessed from the file name's extension (a folder: <see cref="FolderListing.MediaType"/>).</summary>
    public string? MediaType { get; init; }

    /// <summary>Free-form metadata, recorded with the artifact (values are redacted like every text Repro writes).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Tags of the run to move to this artifact once it is stored (for example <c>"candidate"</c>).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}
