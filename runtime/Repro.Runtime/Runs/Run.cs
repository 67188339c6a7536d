using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Repro.Events;
using Repro.Pipeline;
using Repro.Provenance;
using Repro.Runs;
using Repro.Storage;

namespace Repro;

/// <summary>
/// One execution of a training program: its identity, manifest and event log.
/// </summary>
/// <remarks>
/// At most one run is current per process; generated <see cref="MetricAttribute"/> loggers write to
/// <see cref="Current"/> and do nothing when no run is active. Logging a scalar neither blocks on
/// I/O nor allocates: it hands a fixed-size record to a background writer. Dispose a run to finish it.
/// </remarks>
public sealed class Run : IDisposable
{
    /// <summary>Longest text message accepted by <see cref="LogText"/>.</summary>
    public const int MaxTextLength = 64 * 1024;

    private static Run? s_current;

    private readonly Lock _gate = new();
    private readonly EventWriter _writer;
    private readonly MetricRegistry _metrics = new();
    private readonly RunClock _clock;
    private readonly RunLock _lock;
    private readonly ILogger _logger;
    private readonly SortedDictionary<string, long> _seeds = new(StringComparer.Ordinal);
    private readonly UnhandledExceptionEventHandler? _onUnhandled;
    private readonly EventHandler? _onExit;
    private readonly bool _preciseTimestamps;
    private readonly Telemetry.SystemTelemetrySampler? _telemetry;
    private RunManifest _manifest;
    private volatile bool _ended;

    private Run(Ulid id, string directory, RunManifest manifest, RunLock runLock, Source source, RunOptions options)
    {
        Id = id;
        Directory = directory;
        _manifest = manifest;
        _lock = runLock;
        _clock = new RunClock();
        _preciseTimestamps = options.Pipeline.Timestamps == TimestampPrecision.Precise;
        _logger = options.LoggerFactory?.CreateLogger<Run>() ?? NullLogger<Run>.Instance;
        var walDirectory = ReproHome.WalDirectory(directory);
        ReproHome.CreateOwnerOnlyDirectory(walDirectory);
        _writer = new EventWriter(walDirectory, id, source, options.Pipeline, _metrics, _clock, _logger);
        if (options.TelemetryInterval > TimeSpan.Zero)
        {
            _telemetry = new Telemetry.SystemTelemetrySampler(options.TelemetryInterval, evt => Enqueue(evt));
        }

        if (options.HookProcessEvents)
        {
            _onUnhandled = (_, e) => EndQuietly(e.ExceptionObject as Exception ?? new InvalidOperationException("Unhandled non-exception object."));
            _onExit = (_, _) => EndQuietly(Environment.ExitCode == 0 ? null : new InvalidOperationException($"The process exited with code {Environment.ExitCode} before the run was finished."));
            AppDomain.CurrentDomain.UnhandledException += _onUnhandled;
            AppDomain.CurrentDomain.ProcessExit += _onExit;
        }
    }

    /// <summary>The active run of this process, or null.</summary>
    public static Run? Current => Volatile.Read(ref s_current);

    /// <summary>The run id.</summary>
    public Ulid Id { get; }

    /// <summary>The run's folder: <c>&lt;home&gt;/runs/&lt;run-id&gt;</c>.</summary>
    public string Directory { get; }

    /// <summary>A snapshot of the run's manifest.</summary>
    public RunManifest Manifest
    {
        get
        {
            lock (_gate)
            {
                return _manifest;
            }
        }
    }

    /// <summary>Whether the run has finished or failed.</summary>
    public bool IsEnded => _ended;

    /// <summary>Scalars lost so far because the buffer was full (see <see cref="EventPipelineOptions.FullPolicy"/>).</summary>
    public long DroppedEvents => _writer.Dropped;

    /// <summary>
    /// Starts a run: creates its owner-only folder, takes the run's writer lock, records the build
    /// stamp and environment in the manifest, starts the writer, logs a start event, and makes the
    /// run <see cref="Current"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="InvalidOperationException">Another run is active in this process.</exception>
    public static Run Start(RunOptions? options = null)
    {
        options ??= new RunOptions();
        options.Validate();
        if (Current is { } active)
        {
            throw new InvalidOperationException($"Run {active.Id} is still active in this process; dispose it before starting another.");
        }

        var program = options.ProgramAssembly ?? Assembly.GetEntryAssembly();
        var home = ReproHome.Resolve(options.Home);
        var id = Ulid.NewUlid();
        var directory = ReproHome.RunDirectory(home, id.ToString());
        var source = SourceInfo.Capture(options.Rank, options.WorldSize);
        var build = BuildStamp.Read(program);
        var manifest = new RunManifest
        {
            RunId = id.ToString(),
            Name = string.IsNullOrWhiteSpace(options.Name) ? program?.GetName().Name ?? "run" : options.Name,
            Status = RunStatus.Running,
            StartedAt = DateTimeOffset.UtcNow,
            Build = build,
            ReferencedBuilds = BuildStamp.ReadReferenced(program),
            Warnings = ProvenanceWarnings(build, Environment.CurrentDirectory),
            Environment = RunEnvironment.Capture() with
            {
                ContainerId = source.ContainerId.Length == 0 ? null : source.ContainerId,
                Rank = source.Rank,
                WorldSize = source.WorldSize,
            },
        };

        ReproHome.CreateOwnerOnlyDirectory(directory);
        // The lock is taken before the manifest says "running", so no reader ever sees a running
        // run without a live writer and mistakes it for a crashed one.
        var runLock = RunLock.Acquire(directory, manifest.RunId);
        Run run;
        try
        {
            RunManifestJson.Write(ReproHome.ManifestPath(directory), manifest);
            run = new Run(id, directory, manifest, runLock, source, options);
        }
        catch
        {
            runLock.Dispose();
            throw;
        }

        if (Interlocked.CompareExchange(ref s_current, run, null) is not null)
        {
            run.End(RunStatus.Failed, new InvalidOperationException("Another run became active while this one was starting."));
            throw new InvalidOperationException("Another run became active while this one was starting.");
        }

        run.Enqueue("started", 0, e => e.Lifecycle = new Lifecycle { Kind = Lifecycle.Types.Kind.Started });
        foreach (var warning in manifest.Warnings)
        {
            Diagnostics.ReproLog.ProvenanceWarning(run._logger, manifest.RunId, warning);
        }

        return run;
    }

    /// <summary>What makes the program's provenance doubtful: a dirty build, or a working tree at another commit.</summary>
    internal static IReadOnlyList<string> ProvenanceWarnings(BuildStamp build, string workingDirectory)
    {
        var warnings = new List<string>();
        if (build.Dirty == true)
        {
            warnings.Add($"The program was built from a working tree with uncommitted changes (patch SHA-256 {build.PatchSha256 ?? "unknown"}): "
                + $"its code is not exactly commit {build.Commit ?? "(none)"}; the patch is beside the assembly while it is under the size limit.");
        }

        if (build.Commit is { } commit && GitHead.Read(workingDirectory) is { } head && !string.Equals(head, commit, StringComparison.OrdinalIgnoreCase))
        {
            warnings.Add($"The working tree at {workingDirectory} is at commit {head}, but the program was built from {commit}: rebuild, or check out the commit it was built from.");
        }

        return warnings;
    }

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
        if (metric.EveryNSteps > 1 && step % metric.EveryNSteps != 0)
        {
            return; // sampled out
        }

        var binding = metric.Binding;
        var id = binding is not null && ReferenceEquals(binding.Run, this) ? binding.Id : Bind(metric);
        if (_ended)
        {
            ThrowEnded();
        }

        var entry = new ScalarEntry { Timestamp = _preciseTimestamps ? Stopwatch.GetTimestamp() : _clock.CoarseTicks, Step = step, Value = value, MetricId = id };
        _writer.EnqueueScalar(in entry);
    }

    /// <summary>Records a line of text (a note, a warning) at <paramref name="step"/>.</summary>
    public void LogText(string message, Text.Types.Level level = Text.Types.Level.Information, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length > MaxTextLength)
        {
            throw new ArgumentException($"A text event holds at most {MaxTextLength} characters; this one has {message.Length}.", nameof(message));
        }

        Enqueue("text", step, e => e.Text = new Text { Level = level, Message = message });
    }

    /// <summary>Records that a checkpoint was saved to <paramref name="path"/> at <paramref name="step"/>.</summary>
    public void RecordCheckpoint(string path, long step)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Enqueue("checkpoint_saved", step, e => e.Lifecycle = new Lifecycle { Kind = Lifecycle.Types.Kind.CheckpointSaved, Message = path });
    }

    /// <summary>Records that <paramref name="what"/> is being retried, attempt <paramref name="attempt"/> (1-based).</summary>
    public void RecordRetry(string what, int attempt, long step = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(what);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(attempt);
        Enqueue("retry", step, e => e.Lifecycle = new Lifecycle { Kind = Lifecycle.Types.Kind.Retry, Message = what, Attempt = attempt });
    }

    /// <summary>
    /// Records the run's configuration: validates it (every problem at once), then writes its
    /// canonical JSON and SHA-256 into the manifest and as a <c>hyperparameters</c> event.
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

        var json = configuration.ToCanonicalJson();
        var hash = Hyperparameters.CanonicalJson.Sha256(json);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        lock (_gate)
        {
            if (_ended)
            {
                ThrowEnded();
            }

            _manifest = _manifest with { Hyperparameters = document.RootElement.Clone(), ConfigHash = hash };
            RunManifestJson.Write(ReproHome.ManifestPath(Directory), _manifest);
        }

        Enqueue("hyperparameters", 0, e => e.Hyperparameters = new Events.Hyperparameters { CanonicalJson = json, Sha256 = hash });
    }

    /// <summary>
    /// Records <paramref name="report"/> in the manifest (replacing an earlier one) and logs each of its warnings,
    /// so a run that cannot be repeated says so when it starts, not when someone tries.
    /// </summary>
    public void RecordDeterminism(DeterminismReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_gate)
        {
            if (_ended)
            {
                ThrowEnded();
            }

            _manifest = _manifest with { Determinism = report };
            RunManifestJson.Write(ReproHome.ManifestPath(Directory), _manifest);
        }

        foreach (var warning in report.Warnings)
        {
            Diagnostics.ReproLog.NondeterministicSetting(_logger, Id.ToString(), warning);
        }
    }

    /// <summary>Records in the manifest that generator <paramref name="generator"/> was seeded with <paramref name="seed"/>.</summary>
    public void RecordSeed(string generator, long seed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(generator);
        lock (_gate)
        {
            if (_ended)
            {
                ThrowEnded();
            }

            _seeds[generator] = seed;
            _manifest = _manifest with { Seeds = new SortedDictionary<string, long>(_seeds, StringComparer.Ordinal) };
            RunManifestJson.Write(ReproHome.ManifestPath(Directory), _manifest);
        }
    }

    /// <summary>Returns once every event logged before the call is in the operating system (it survives a crash of this process).</summary>
    public void Flush() => _writer.Flush();

    /// <summary>Returns once every event logged before the call is on stable storage (it survives a power loss).</summary>
    public void FlushDurable() => _writer.FlushDurable();

    /// <summary>Ends the run normally.</summary>
    public void Finish() => End(RunStatus.Finished, null);

    /// <summary>Ends the run as failed by <paramref name="exception"/>, recording its type, message and stack.</summary>
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
        if (_ended)
        {
            ThrowEnded();
        }

        evt.TimestampUnixNanos = _clock.UnixNanosNow();
        _writer.EnqueueEvent(evt);
    }

    private void EndQuietly(Exception? failure)
    {
        try
        {
            End(failure is null ? RunStatus.Finished : RunStatus.Failed, failure);
        }
        catch (InvalidOperationException)
        {
            // Already ended by another path (the program, an exit hook): nothing left to do.
        }
    }

    private void End(RunStatus status, Exception? failure)
    {
        lock (_gate)
        {
            if (_ended)
            {
                ThrowEnded();
            }

            _telemetry?.Dispose();
            var message = failure is null ? null : $"{failure.GetType().FullName}: {failure.Message}";
            Enqueue(
                status == RunStatus.Failed ? "failed" : "finished",
                0,
                e => e.Lifecycle = new Lifecycle
                {
                    Kind = status == RunStatus.Failed ? Lifecycle.Types.Kind.Failed : Lifecycle.Types.Kind.Finished,
                    Message = message ?? string.Empty,
                    StackTrace = failure?.StackTrace ?? string.Empty,
                });
            _ended = true;
            try
            {
                _writer.Dispose();
            }
            finally
            {
                _manifest = _manifest with
                {
                    Status = status,
                    EndedAt = DateTimeOffset.UtcNow,
                    LastSequence = _writer.LastSequence,
                    DroppedEvents = (ulong)_writer.Dropped,
                    Best = new SortedDictionary<string, BestValue>(_writer.BestValues.ToDictionary(), StringComparer.Ordinal),
                    Failure = message,
                };
                RunManifestJson.Write(ReproHome.ManifestPath(Directory), _manifest);
                _lock.Dispose();
                if (_onUnhandled is not null)
                {
                    AppDomain.CurrentDomain.UnhandledException -= _onUnhandled;
                    AppDomain.CurrentDomain.ProcessExit -= _onExit;
                }

                Interlocked.CompareExchange(ref s_current, null, this);
            }
        }
    }

    private static void ThrowWrongType(MetricDeclaration metric) =>
        throw new InvalidOperationException(metric.IsInteger
            ? $"Metric '{metric.Name}' is declared as {metric.ValueType}; log it with LogInteger."
            : $"Metric '{metric.Name}' is declared as {metric.ValueType}; log it with LogScalar.");

    private void ThrowEnded() =>
        throw new InvalidOperationException($"Run {Id} has ended ({Manifest.Status}); nothing more can be recorded.");
}
