namespace Repro.Serving;

/// <summary>What a serving process records per request (<see cref="InferenceLogger"/>).</summary>
public sealed record InferenceLoggerOptions
{
    /// <summary>The model's input features, in the order <see cref="InferenceLogger.Record"/> takes them.</summary>
    public required FeatureSet Features { get; init; }

    /// <summary>The model's outputs (for example its confidence), in the order <see cref="InferenceLogger.Record"/> takes them.</summary>
    public required FeatureSet Outputs { get; init; }

    /// <summary>The SHA-256 of the checkpoint being served (64 hex digits).</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>The run that produced the checkpoint; null when unknown.</summary>
    public string? ModelRunId { get; init; }

    /// <summary>Head sampling: one request in this many is recorded as an example (0 records none). Default 1,000.</summary>
    public int SampleEvery { get; init; } = 1_000;

    /// <summary>Reservoir sampling: this many examples per day, drawn uniformly from all of that day's requests, are recorded when the day ends (0 keeps none). Default 100.</summary>
    public int ReservoirSize { get; init; } = 100;

    /// <summary>
    /// The key that turns a sampled example's feature values into pseudonyms (joinable, not readable); default the
    /// environment's (<see cref="Security.Pseudonymizer.FromEnvironment"/>). Without a key, examples carry no feature values.
    /// </summary>
    public Security.Pseudonymizer? Pseudonymizer { get; init; } = Security.Pseudonymizer.FromEnvironment();

    /// <summary>The clock, for tests; default the system's.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Features);
        ArgumentNullException.ThrowIfNull(Outputs);
        Artifacts.ContentHash.Validate(ModelSha256, nameof(ModelSha256));
        ArgumentOutOfRangeException.ThrowIfNegative(SampleEvery);
        ArgumentOutOfRangeException.ThrowIfNegative(ReservoirSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ReservoirSize, 100_000);
        if (Features.Kind != FeatureKind.Input || Outputs.Kind != FeatureKind.Output)
        {
            throw new ArgumentException("Features must be a FeatureSet of inputs and Outputs one of outputs (FeatureKind.Output).");
        }
    }
}
