using Repro.Provenance;

namespace Repro.Runs;

/// <summary>
/// The human-readable summary of a run, stored as <c>runs/&lt;run-id&gt;/manifest.json</c>.
/// </summary>
public sealed record RunManifest
{
    /// <summary>Version of the manifest format.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Version of the manifest format this manifest was written in.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The run id (a ULID).</summary>
    public required string RunId { get; init; }

    /// <summary>A name for people; by default the entry assembly's name.</summary>
    public required string Name { get; init; }

    /// <summary>Where the run is in its life.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the run ended (UTC); null while it runs.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>What the build stamped into the program that ran.</summary>
    public required BuildStamp Build { get; init; }

    /// <summary>The machine and process.</summary>
    public required RunEnvironment Environment { get; init; }

    /// <summary>The configuration as recorded by <see cref="Run.RecordHyperparameters"/> (canonical JSON), or null.</summary>
    public System.Text.Json.JsonElement? Hyperparameters { get; init; }

    /// <summary>SHA-256 of the canonical configuration JSON, or null: equal hashes mean equal configurations.</summary>
    public string? ConfigHash { get; init; }

    /// <summary>Every seed Repro saw set, by generator name, in ordinal order.</summary>
    public IReadOnlyDictionary<string, long> Seeds { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Sequence number of the last event written; 0 when none was.</summary>
    public ulong LastSequence { get; init; }

    /// <summary>For a failed run, the exception type and message.</summary>
    public string? Failure { get; init; }

    /// <summary>Events the in-memory buffer dropped under its full policy (0 means none was lost).</summary>
    public ulong DroppedEvents { get; init; }

    /// <summary>Best value and step of every metric declared with a goal, by metric name (ordinal order).</summary>
    public IReadOnlyDictionary<string, BestValue> Best { get; init; } = new SortedDictionary<string, BestValue>(StringComparer.Ordinal);

    /// <summary>
    /// The last value and step of every metric the run logged, by name (ordinal order); written when the run ends or
    /// is recovered, so runs can be sorted by a metric's final value without reading their logs.
    /// </summary>
    public IReadOnlyDictionary<string, LastValue> Last { get => _last; init => _last = value ?? new SortedDictionary<string, LastValue>(StringComparer.Ordinal); }

    // Manifests written before this property existed read as empty, not null.
    private readonly IReadOnlyDictionary<string, LastValue> _last = new SortedDictionary<string, LastValue>(StringComparer.Ordinal);

    /// <summary>
    /// Tags (key = value, ordinal key order): those the run started with (<see cref="RunOptions.Tags"/>), or, once
    /// someone has changed them with <c>repro runs tag</c>, the tags as changed (the history stays in annotations.json).
    /// </summary>
    public IReadOnlyDictionary<string, string> Tags { get => _tags; init => _tags = value ?? new SortedDictionary<string, string>(StringComparer.Ordinal); }

    // Manifests written before this property existed read as empty, not null.
    private readonly IReadOnlyDictionary<string, string> _tags = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The run this one re-executes (<c>repro rerun</c>), or null.</summary>
    public string? RerunOf { get; init; }

    /// <summary>A note for people (a hypothesis, what changed), from <see cref="RunOptions.Note"/> or <c>repro runs note</c>.</summary>
    public string? Note { get; init; }

    /// <summary>For a crashed run, what recovery found and did.</summary>
    public RunRecoveryReport? Recovery { get; init; }

    /// <summary>Stamps of the assemblies the program references that carry one (commit, dirty flag, branch).</summary>
    public IReadOnlyList<BuildStamp> ReferencedBuilds { get => _referencedBuilds; init => _referencedBuilds = value ?? []; }

    // Manifests written before this property existed read as empty, not null.
    private readonly IReadOnlyList<BuildStamp> _referencedBuilds = [];

    /// <summary>Provenance problems found when the run started: a dirty build, or a working tree at another commit.</summary>
    public IReadOnlyList<string> Warnings { get => _warnings; init => _warnings = value ?? []; }

    // Manifests written before this property existed read as empty, not null.
    private readonly IReadOnlyList<string> _warnings = [];

    /// <summary>The id of the key that made the run's pseudonyms (never the key), when it has any.</summary>
    public string? PseudonymKeyId { get; init; }

    /// <summary>The alerts that fired while the run was going (the first <see cref="MaxAlerts"/>; <see cref="AlertCount"/> counts all).</summary>
    public IReadOnlyList<AlertSummary> Alerts { get => _alerts; init => _alerts = value ?? []; }

    // Manifests written before this property existed read as empty, not null.
    private readonly IReadOnlyList<AlertSummary> _alerts = [];

    /// <summary>How many alerts fired, all told (the log holds every one as an <c>alert</c> event).</summary>
    public long AlertCount { get; init; }

    /// <summary>The most alerts the manifest lists.</summary>
    public const int MaxAlerts = 100;

    /// <summary>What the run observed about its own determinism (seeds, threads, precision switches, cuBLAS), when recorded.</summary>
    public DeterminismReport? Determinism { get; init; }

    /// <summary>The artifacts, tags, datasets and splits the run recorded (docs/formats/artifacts.md).</summary>
    public RunLineage Lineage { get => _lineage; init => _lineage = value ?? RunLineage.Empty; }

    // Manifests written before this property existed read as empty, not null.
    private readonly RunLineage _lineage = RunLineage.Empty;
}

/// <summary>An alert in the manifest.</summary>
/// <param name="Rule">The rule that fired, in words.</param>
/// <param name="Kind">not_finite, above, below, spike, stall, failed or out_of_memory.</param>
/// <param name="Metric">The metric, or null for rules on the whole run.</param>
/// <param name="Step">The step it fired at.</param>
/// <param name="Sequence">The alert event's sequence number in the log.</param>
/// <param name="Message">What happened.</param>
public sealed record AlertSummary(string Rule, string Kind, string? Metric, long Step, ulong Sequence, string Message);
