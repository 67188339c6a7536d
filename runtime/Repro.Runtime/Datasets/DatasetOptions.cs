namespace Repro.Datasets;

/// <summary>One preprocessing step a dataset went through, recorded with it.</summary>
/// <param name="Name">What the step is (for example <c>resize</c>, <c>tokenize</c>).</param>
/// <param name="Version">The version of the code that ran it.</param>
/// <param name="Parameters">Its parameters (values are redacted like every text Repro writes).</param>
public sealed record PreprocessingStep(string Name, string Version, IReadOnlyDictionary<string, string>? Parameters = null);

/// <summary>What is recorded with a dataset besides its fingerprint.</summary>
public sealed record DatasetOptions
{
    /// <summary>Where the data came from (a path, a URI); by default the folder fingerprinted. Credentials in it are redacted.</summary>
    public string? SourceUri { get; init; }

    /// <summary>The preprocessing steps, in the order they ran.</summary>
    public IReadOnlyList<PreprocessingStep> Preprocessing { get; init; } = [];

    /// <summary>The version of the data pipeline as a whole.</summary>
    public string? PipelineVersion { get; init; }

    /// <summary>Rehash every file, ignoring the cache of file hashes.</summary>
    public bool Verify { get; init; }
}
