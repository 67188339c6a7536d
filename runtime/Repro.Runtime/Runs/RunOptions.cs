using System.Reflection;
using Microsoft.Extensions.Logging;
using Repro.Artifacts.Remote;
using Repro.Pipeline;

namespace Repro;

/// <summary>How to start a <see cref="Run"/>.</summary>
public sealed class RunOptions
{
    /// <summary>Longest run name accepted.</summary>
    public const int MaxNameLength = 200;

    /// <summary>A name for people; defaults to the program assembly's name.</summary>
    public string? Name { get; init; }

    /// <summary>Where runs are stored; defaults to <c>$REPRO_HOME</c>, else <c>./.repro</c>.</summary>
    public string? Home { get; init; }

    /// <summary>The assembly whose build stamp the run records; defaults to the entry assembly.</summary>
    public Assembly? ProgramAssembly { get; init; }

    /// <summary>Buffering, batching and commit settings.</summary>
    public EventPipelineOptions Pipeline { get; init; } = new();

    /// <summary>Where Repro's own diagnostics (recovery, drops, writer failures) go; none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>This process's rank in distributed training; by default read from RANK, OMPI_COMM_WORLD_RANK, PMI_RANK or SLURM_PROCID, else 0.</summary>
    public int? Rank { get; init; }

    /// <summary>The number of processes in distributed training; by default read like <see cref="Rank"/>, else 1.</summary>
    public int? WorldSize { get; init; }

    /// <summary>
    /// The distributed job this process is one rank of: every rank's run carries it, and stores and the CLI show the
    /// ranks of a job as one logical run. By default read from <c>REPRO_JOB_ID</c>, <c>TORCHELASTIC_RUN_ID</c> (torchrun),
    /// <c>SLURM_JOB_ID</c>, <c>PBS_JOBID</c> or <c>LSB_JOBID</c>, the first that is set; none for a single process.
    /// At most 200 characters, no control characters; secrets in it are redacted like any recorded text.
    /// </summary>
    public string? JobId { get; init; }

    /// <summary>The environment variables a job id is read from, the first that is set winning.</summary>
    internal static readonly string[] JobIdVariables = ["REPRO_JOB_ID", "TORCHELASTIC_RUN_ID", "SLURM_JOB_ID", "PBS_JOBID", "LSB_JOBID"];

    /// <summary>The job id of <see cref="JobId"/> or of the first job variable set; null when none is (or torchrun's default "none").</summary>
    internal string? ResolveJobId() => ResolveJobId(JobId, Environment.GetEnvironmentVariable);

    /// <summary>The job id: <paramref name="configured"/>, else the first job variable <paramref name="variable"/> has set.</summary>
    internal static string? ResolveJobId(string? configured, Func<string, string?> variable)
    {
        var id = configured;
        if (string.IsNullOrWhiteSpace(id))
        {
            // torchrun sets TORCHELASTIC_RUN_ID=none when no --rdzv-id is given: not a job id.
            id = JobIdVariables.Select(variable).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value) && value != "none");
        }

        return id is null ? null : Security.SecretRedactor.Redact(id.Trim());
    }

    /// <summary>
    /// How often system telemetry (CPU, memory, GC, thread pool, disk I/O, GPUs) is sampled, on a
    /// timer thread. Default 10 s; <see cref="TimeSpan.Zero"/> turns sampling off.
    /// </summary>
    public TimeSpan TelemetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether the run ends itself on an unhandled exception (failed) or at process exit (finished
    /// for exit code 0, failed otherwise) when the program did not end it. Default true.
    /// </summary>
    public bool HookProcessEvents { get; init; } = true;

    /// <summary>
    /// Whether run-start warnings (a dirty build, a working tree at another commit) are also printed to
    /// standard error, one line each, where the person running the program looks. Default true; they
    /// are always logged and kept in the manifest.
    /// </summary>
    public bool WarningsToStandardError { get; init; } = true;

    /// <summary>
    /// A remote store the run's artifacts are uploaded to in the background, <c>s3://bucket/prefix</c>; by default
    /// the value of <c>REPRO_ARTIFACT_STORE</c>, and none when that is unset. The local content store stays the
    /// buffer: training never waits on the network, and an outage only delays uploads.
    /// </summary>
    public string? ArtifactStore { get; init; }

    /// <summary>How to reach the remote store; by default from the usual AWS variables (credentials are never recorded).</summary>
    public S3StoreSettings? ArtifactStoreSettings { get; init; }

    /// <summary>
    /// How long the end of a finished run waits for its uploads (default 30 s); what is left stays in the upload
    /// journal for the next process or <c>repro artifacts push</c>. A failed run does not wait.
    /// </summary>
    public TimeSpan ArtifactUploadGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The remote store in effect (the option, else the environment), or null.</summary>
    internal RemoteStoreAddress? ResolveArtifactStore() =>
        string.IsNullOrWhiteSpace(ArtifactStore) ? RemoteStoreAddress.FromEnvironment() : RemoteStoreAddress.Parse(ArtifactStore);

    /// <summary>
    /// The central PostgreSQL store the run is shipped to while it runs (<c>postgres://user@host:port/database</c>); by
    /// default the value of <c>REPRO_STORE</c>, and none when that is unset. A background thread sends what the WAL
    /// holds; training never waits on the database, and an outage only delays shipping. Give the password through
    /// <c>PGPASSWORD</c> or <c>~/.pgpass</c>; it is never recorded either way.
    /// </summary>
    public string? Store { get; init; }

    /// <summary>How often the live shipper sends what the run recorded since its last pass (default 1 s).</summary>
    public TimeSpan StoreShipInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the end of a run waits for the store to hold everything (default 10 s); what is left is shipped by the
    /// next <c>repro push</c>. The run's own files are complete either way.
    /// </summary>
    public TimeSpan StoreShipGrace { get; init; } = TimeSpan.FromSeconds(10);

    internal Storage.Postgres.PostgresStoreAddress? ResolveStore() =>
        string.IsNullOrWhiteSpace(Store) ? Storage.Postgres.PostgresStoreAddress.FromEnvironment() : Storage.Postgres.PostgresStoreAddress.Parse(Store);

    /// <summary>
    /// Tags the run starts with (key = value: <c>owner</c>, <c>hypothesis</c>, <c>phase</c>…), for <c>repro runs list --tag</c>.
    /// Values whose key names a secret are masked, and secrets inside values are redacted, before they are written.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>
    /// Rules evaluated while the run is going (<see cref="Alerts.AlertRule"/>: not finite, above, below, spike, stall,
    /// failed). The writer thread evaluates them on the values it writes, so logging costs the same; each firing is an
    /// <c>alert</c> event, a line in the manifest and a call of <see cref="OnAlert"/>. See <c>docs/alerts.md</c>.
    /// </summary>
    public IReadOnlyList<Alerts.AlertRule>? Alerts { get; init; }

    /// <summary>
    /// Called for every alert, on a thread of its own and in order: a callback that throws is logged and the next
    /// alert still comes; one that hangs never holds up logging (alerts past 256 waiting are dropped and counted).
    /// </summary>
    public Action<Alerts.AlertFired>? OnAlert { get; init; }

    /// <summary>
    /// Tag keys whose values are identifiers to keep joinable but not readable (a user or customer id): their values are
    /// replaced by keyed pseudonyms (<see cref="Security.Pseudonymizer"/>, key from <c>REPRO_PSEUDONYM_KEY</c> or
    /// <c>REPRO_PSEUDONYM_KEY_FILE</c>) before anything is written, and the key's id goes into the manifest.
    /// </summary>
    public IReadOnlyCollection<string>? PseudonymizedTags { get; init; }

    /// <summary>A note for people: what this run tries, what changed since the last one.</summary>
    public string? Note { get; init; }

    /// <summary>
    /// The run this one re-executes, recorded as <see cref="Runs.RunManifest.RerunOf"/>; by default the value of
    /// <see cref="RerunOfVariable"/>, which <c>repro rerun</c> sets for the program it starts.
    /// </summary>
    public string? RerunOf { get; init; }

    /// <summary>
    /// Also publish the run through <see cref="System.Diagnostics.Metrics"/> (meter "Repro": the latest value and step
    /// of every metric, dropped events, system telemetry), for OpenTelemetry exporters and live dashboards; off by
    /// default, and when null, on only when <see cref="PublishMetricsVariable"/> is "true" or "1". Values are observed
    /// when a listener collects: logging costs the same either way.
    /// </summary>
    public bool? PublishMetrics { get; init; }

    /// <summary>The environment variable that turns <see cref="PublishMetrics"/> on when the option is not set.</summary>
    public const string PublishMetricsVariable = "REPRO_PUBLISH_METRICS";

    internal bool ResolvePublishMetrics() =>
        PublishMetrics ?? Environment.GetEnvironmentVariable(PublishMetricsVariable)?.Trim() is "1" or "true" or "True" or "TRUE";

    /// <summary>The environment variable <c>repro rerun</c> names the original run in.</summary>
    public const string RerunOfVariable = "REPRO_RERUN_OF";

    /// <summary>The rerun's original in effect: the option, else a run id in the environment, else none.</summary>
    internal string? ResolveRerunOf() =>
        RerunOf ?? (Environment.GetEnvironmentVariable(RerunOfVariable) is { } value && Ulid.TryParse(value.Trim(), out var id) ? id.ToString() : null);

    internal void Validate()
    {
        if (RerunOf is not null && !Ulid.TryParse(RerunOf, out _))
        {
            throw new ArgumentException($"RerunOf must be a run id (a 26-character ULID); '{RerunOf}' is not one.", nameof(RerunOf));
        }

        if (Tags is not null)
        {
            Runs.RunTags.Validate(Tags);
        }

        if (Note is not null)
        {
            Runs.RunTags.ValidateNote(Note);
        }

        if (Alerts is not null && Alerts.Any(rule => rule is null))
        {
            throw new ArgumentException("Alerts cannot hold null rules.", nameof(Alerts));
        }

        if (JobId is { Length: > MaxNameLength } || (JobId is not null && JobId.Any(char.IsControl)))
        {
            throw new ArgumentException($"A job id has at most {MaxNameLength} characters and no control characters.", nameof(JobId));
        }

        _ = ResolveStore(); // a malformed address fails here, with what is wrong, not on the shipping thread

        if (StoreShipInterval < TimeSpan.FromMilliseconds(10) || StoreShipGrace < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StoreShipInterval), "StoreShipInterval must be at least 10 ms and StoreShipGrace cannot be negative.");
        }

        if (ArtifactUploadGrace < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ArtifactUploadGrace), ArtifactUploadGrace, "ArtifactUploadGrace cannot be negative.");
        }

        ArtifactStoreSettings?.Validate();

        if (Name is { Length: > MaxNameLength })
        {
            throw new ArgumentException($"A run name has at most {MaxNameLength} characters; this one has {Name.Length}.", nameof(Name));
        }

        if (Name is not null && Name.Any(char.IsControl))
        {
            throw new ArgumentException("A run name cannot contain control characters.", nameof(Name));
        }

        if (TelemetryInterval < TimeSpan.Zero || (TelemetryInterval > TimeSpan.Zero && TelemetryInterval < TimeSpan.FromMilliseconds(100)))
        {
            throw new ArgumentOutOfRangeException(nameof(TelemetryInterval), TelemetryInterval, "TelemetryInterval must be zero (off) or at least 100 ms.");
        }

        ArgumentNullException.ThrowIfNull(Pipeline, nameof(Pipeline));
        Pipeline.Validate();
    }
}
