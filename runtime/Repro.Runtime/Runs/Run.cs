using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Repro.Events;
using Repro.Pipeline;
using Repro.Runs;
using Repro.Security;
using Repro.Storage;

namespace Repro;

/// <summary>
/// One execution of a training program: its identity, manifest and event log.
/// </summary>
/// <remarks>
/// At most one run is current per process; generated <see cref="MetricAttribute"/> loggers write to
/// <see cref="Current"/> and do nothing when no run is active. Logging a scalar neither blocks on
/// I/O nor allocates: it hands a fixed-size record to a background writer. Dispose a run to finish it.
/// If the writer fails (a full disk, a revoked permission), the run is marked failed with the reason,
/// logging becomes a no-op and training goes on; <see cref="WriterFailure"/> says what happened.
/// Everything recorded as text (messages, failures, stacks, tags, paths) is redacted first.
/// </remarks>
public sealed partial class Run : IDisposable
{
    /// <summary>Longest text message accepted by <see cref="LogText(string, Text.Types.Level, long)"/>.</summary>
    public const int MaxTextLength = 64 * 1024;

    private static Run? s_current;

    private readonly EventWriter _writer;
    private readonly MetricRegistry _metrics = new();
    private readonly LatestMetricValues _latest = new();
    private readonly RunClock _clock;
    private readonly RunLock _lock;
    private readonly ILogger _logger;
    private readonly ManifestFile _manifest;
    private readonly SortedDictionary<string, long> _seeds = new(StringComparer.Ordinal);
    private readonly ProcessHooks? _hooks;
    private readonly bool _preciseTimestamps;
    private readonly Telemetry.SystemTelemetrySampler? _telemetry;
    private readonly Telemetry.RunMeter? _meter;
    private volatile bool _ended;
    private volatile bool _writerFailed;
    private int _ending;
    private readonly TimeSpan _uploadGrace;

    private Run(Ulid id, string directory, ManifestFile manifest, RunLock runLock, Source source, RunOptions options)
    {
        Id = id;
        Directory = directory;
        _manifest = manifest;
        _lock = runLock;
        _clock = new RunClock();
        _preciseTimestamps = options.Pipeline.Timestamps == TimestampPrecision.Precise;
        _logger = Diagnostics.GuardedLogger.Create<Run>(options.LoggerFactory);
        _manifest.Logger = _logger;
        var walDirectory = ReproHome.WalDirectory(directory);
        ReproHome.CreateOwnerOnlyDirectory(walDirectory);
        var alerts = StartAlerts(options);
        _writer = new EventWriter(walDirectory, id, source, options.Pipeline, _metrics, _clock, _logger, OnWriterFault, alerts, StartDeclaredAlerts, PostAlert);
        if (options.ResolvePublishMetrics())
        {
            _meter = new Telemetry.RunMeter(id.ToString(), (int)source.Rank, () => _latest.Snapshot(_metrics), () => _writer.Dropped);
        }

        if (options.TelemetryInterval > TimeSpan.Zero)
        {
            _telemetry = new Telemetry.SystemTelemetrySampler(options.TelemetryInterval, evt =>
            {
                _meter?.Observe(evt.Telemetry);
                Enqueue(evt);
            });
        }

        _uploadGrace = options.ArtifactUploadGrace;
        StartUploads(options);
        StartShipping(options, options.ResolveStore());
        StartGrowthCheck();
        if (options.HookProcessEvents)
        {
            _hooks = new ProcessHooks(EndQuietly);
        }
    }

    /// <summary>The active run of this process, or null.</summary>
    public static Run? Current => Volatile.Read(ref s_current);

    /// <summary>The run id.</summary>
    public Ulid Id { get; }

    /// <summary>The run's folder: <c>&lt;home&gt;/runs/&lt;run-id&gt;</c>.</summary>
    public string Directory { get; }

    /// <summary>The Repro home the run is stored in.</summary>
    internal string HomeDirectory => Path.GetDirectoryName(Path.GetDirectoryName(Directory))!;

    /// <summary>A snapshot of the run's manifest.</summary>
    public RunManifest Manifest => _manifest.Current;

    /// <summary>Whether the run has finished or failed.</summary>
    public bool IsEnded => _ended;

    /// <summary>Scalars lost so far because the buffer was full (see <see cref="EventPipelineOptions.FullPolicy"/>).</summary>
    public long DroppedEvents => _writer.Dropped;

    /// <summary>What stopped the run's event writer, or null while it works. Once set, nothing more is recorded.</summary>
    public Exception? WriterFailure => _writer.Failure;

    /// <summary>
    /// Records a value of <paramref name="metric"/> at <paramref name="step"/>. Never blocks on I/O and
    /// never allocates; under <see cref="BufferFullPolicy.Block"/> it waits only while the buffer is full.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public void LogScalar(MetricDeclaration metric, long step, double value)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (metric.IsInteger)
        {
            ThrowWrongType(metric);
        }

        Log(metric, step, value);
    }

    /// <summary>
    /// Records an integer value of <paramref name="metric"/> (declared <see cref="MetricValueType.Int32"/>
    /// or <see cref="MetricValueType.Int64"/>) exactly, at any magnitude, at the cost of <see cref="LogScalar"/>.
    /// A separate name, not an overload: an int argument would otherwise pick it for a double metric.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has ended, or the metric is not declared as an integer.</exception>
    public void LogInteger(MetricDeclaration metric, long step, long value)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (!metric.IsInteger)
        {
            ThrowWrongType(metric);
        }

        // The 64 bits travel in the value slot unchanged; readers restore the integer from the declaration.
        Log(metric, step, BitConverter.Int64BitsToDouble(value));
    }

    private void Log(MetricDeclaration metric, long step, double value)
    {
        if (_writerFailed || (metric.EveryNSteps > 1 && step % metric.EveryNSteps != 0))
        {
            return; // the writer is gone (the run says why), or sampled out
        }

        var binding = metric.Binding;
        var id = binding is not null && ReferenceEquals(binding.Run, this) ? binding.Id : Bind(metric);
        if (_ended)
        {
            ThrowEnded();
        }

        _latest.Record(id, step, value);
        _writer.EnqueueScalar(_preciseTimestamps ? Stopwatch.GetTimestamp() : _clock.CoarseTicks, step, value, id);
    }

    /// <summary>Records a line of text (a note, a warning) at <paramref name="step"/>; secrets in it are redacted.</summary>
    public void LogText(string message, Text.Types.Level level = Text.Types.Level.Information, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length > MaxTextLength)
        {
            throw new ArgumentException($"A text event holds at most {MaxTextLength} characters; this one has {message.Length}.", nameof(message));
        }

        Enqueue("text", step, e => e.Text = new Text { Level = level, Message = SecretRedactor.Redact(message) });
    }

    /// <summary>Records that a checkpoint was saved to <paramref name="path"/> at <paramref name="step"/>.</summary>
    public void RecordCheckpoint(string path, long step)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Enqueue("checkpoint_saved", step, e => e.Lifecycle = new Lifecycle { Kind = Lifecycle.Types.Kind.CheckpointSaved, Message = SecretRedactor.Redact(path) });
    }

    /// <summary>Records that <paramref name="what"/> is being retried, attempt <paramref name="attempt"/> (1-based).</summary>
    public void RecordRetry(string what, int attempt, long step = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(what);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(attempt);
        Enqueue("retry", step, e => e.Lifecycle = new Lifecycle { Kind = Lifecycle.Types.Kind.Retry, Message = SecretRedactor.Redact(what), Attempt = attempt });
    }

    /// <summary>
    /// Records the run's configuration: validates it (every problem at once), then writes its
    /// canonical JSON and SHA-256 into the manifest and as a <c>hyperparameters</c> event.
    /// Secret values (declared <see cref="HyperparameterAttribute.Secret"/>, or named like a secret)
    /// are recorded as keyed hashes, and other strings are redacted (see <c>docs/security.md</c>).
    /// </summary>
    /// <exception cref="HyperparameterException">The configuration breaks its rules.</exception>
    public void RecordHyperparameters(IHyperparameters configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = configuration.Validate();
        if (problems.Count > 0)
        {
            throw new HyperparameterException(problems);
        }

        var sensitive = configuration.SensitiveKeys;
        var pseudonymizer = sensitive.Count > 0 ? Security.Pseudonymizer.FromEnvironment() : null;
        var json = HyperparameterRedaction.Apply(configuration.ToCanonicalJson(), HomeDirectory, configuration.SecretKeys, sensitive, pseudonymizer);
        var hash = Hyperparameters.CanonicalJson.Sha256(json);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var element = document.RootElement.Clone();
        _manifest.Update(m => m with { Hyperparameters = element, ConfigHash = hash, PseudonymKeyId = pseudonymizer?.KeyId ?? m.PseudonymKeyId }, ThrowIfEnded);
        Enqueue("hyperparameters", 0, e => e.Hyperparameters = new Events.Hyperparameters { CanonicalJson = json, Sha256 = hash });
    }

    /// <summary>
    /// Records <paramref name="report"/> in the manifest (replacing an earlier one) and logs each of its warnings,
    /// so a run that cannot be repeated says so when it starts, not when someone tries.
    /// </summary>
    public void RecordDeterminism(DeterminismReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _manifest.Update(m => m with { Determinism = report }, ThrowIfEnded);
        foreach (var warning in report.Warnings)
        {
            Diagnostics.ReproLog.NondeterministicSetting(_logger, Id.ToString(), warning);
        }
    }

    /// <summary>Records in the manifest that generator <paramref name="generator"/> was seeded with <paramref name="seed"/>.</summary>
    public void RecordSeed(string generator, long seed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(generator);
        _manifest.Update(
            m =>
            {
                _seeds[generator] = seed;
                return m with { Seeds = new SortedDictionary<string, long>(_seeds, StringComparer.Ordinal) };
            },
            ThrowIfEnded);
    }

    /// <summary>
    /// Returns once every event logged before the call is in the operating system: it survives a crash
    /// (<c>kill -9</c>) of this process, summarised metrics included (their open intervals are written
    /// too), and values logged before their numbers were known (tensors on a GPU) resolved first. Returns false,
    /// without throwing, when the run's writer has failed (see <see cref="WriterFailure"/>).
    /// </summary>
    public bool Flush()
    {
        ResolvePendingValues();
        return _writer.Flush();
    }

    /// <summary>
    /// Like <see cref="Flush"/>, and the events are also on stable storage (fsynced, the folders holding
    /// new files too): they survive a power loss. False when the writer has failed.
    /// </summary>
    public bool FlushDurable()
    {
        ResolvePendingValues();
        return _writer.FlushDurable();
    }

    /// <summary>Ends the run normally.</summary>
    public void Finish() => End(RunStatus.Finished, null);

    /// <summary>Ends the run as failed by <paramref name="exception"/>, recording its type, message and stack (redacted).</summary>
    public void Fail(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        End(RunStatus.Failed, exception);
    }

    /// <summary>Finishes the run if it has not ended yet.</summary>
    public void Dispose()
    {
        if (!_ended)
        {
            EndQuietly(null);
        }
    }

    private int Bind(MetricDeclaration metric)
    {
        var id = _metrics.Register(metric);
        metric.Binding = new MetricBinding(this, id);
        return id;
    }

    private void Enqueue(string name, long step, Action<Event> setValue)
    {
        var evt = new Event { Name = name, Step = step };
        setValue(evt);
        Enqueue(evt);
    }

    private void Enqueue(Event evt)
    {
        ThrowIfEnded();
        if (!_writerFailed)
        {
            _writer.EnqueueEvent(evt);
        }
    }

    private void ThrowIfEnded()
    {
        if (_ended)
        {
            ThrowEnded();
        }
    }

    private static void ThrowWrongType(MetricDeclaration metric) =>
        throw new InvalidOperationException(metric.IsInteger
            ? $"Metric '{metric.Name}' is declared as {metric.ValueType}; log it with LogInteger."
            : $"Metric '{metric.Name}' is declared as {metric.ValueType}; log it with LogScalar.");

    private void ThrowEnded() =>
        throw new InvalidOperationException($"Run {Id} has ended ({Manifest.Status}); nothing more can be recorded.");
}
