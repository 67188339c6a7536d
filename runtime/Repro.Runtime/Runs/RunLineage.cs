namespace Repro.Runs;

/// <summary>
/// What a run read and wrote, as it stands now: the manifest's summary of the lineage events (the events keep the
/// history, such as every move of a tag; this keeps the current state for quick lookups).
/// </summary>
public sealed record RunLineage
{
    /// <summary>An empty lineage.</summary>
    public static RunLineage Empty { get; } = new();

    /// <summary>Every artifact logged and stored, in the order they were stored.</summary>
    public IReadOnlyList<ArtifactSummary> Artifacts { get; init; } = [];

    /// <summary>Where each tag points now: tag to SHA-256, in ordinal order.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Every dataset logged, in order.</summary>
    public IReadOnlyList<DatasetSummary> Datasets { get; init; } = [];

    /// <summary>Every split logged, in order.</summary>
    public IReadOnlyList<SplitSummary> Splits { get; init; } = [];
}

/// <summary>An artifact in the manifest.</summary>
/// <param name="Name">Its name in the run.</param>
/// <param name="Kind">checkpoint, evaluation, sample_output, report or other.</param>
/// <param name="Sha256">SHA-256 of the stored object.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="MediaType">Its media type.</param>
/// <param name="Step">The step it belongs to.</param>
/// <param name="Location">Where the object lies.</param>
public sealed record ArtifactSummary(string Name, string Kind, string Sha256, long Size, string MediaType, long Step, string Location);

/// <summary>A dataset in the manifest.</summary>
/// <param name="Name">Its name in the run.</param>
/// <param name="Sha256">Its root hash.</param>
/// <param name="Algorithm">The encoding of the root hash.</param>
/// <param name="Files">How many files (or samples).</param>
/// <param name="Bytes">How many bytes.</param>
/// <param name="Source">Where it came from (redacted).</param>
/// <param name="ListingSha256">The stored file listing, for diffs; empty for tensor datasets.</param>
public sealed record DatasetSummary(string Name, string Sha256, string Algorithm, long Files, long Bytes, string Source, string ListingSha256);

/// <summary>A split in the manifest.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Count">How many indices.</param>
/// <param name="Sha256">SHA-256 of the canonical index list, stored in the content store.</param>
/// <param name="Dataset">The dataset it indexes, or empty.</param>
public sealed record SplitSummary(string Name, long Count, string Sha256, string Dataset);
