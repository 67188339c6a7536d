using System.Reflection;
using Repro.Events;
using Repro.Provenance;
using Repro.Runs;
using Repro.Storage;

namespace Repro;

/// <summary>
/// One execution of a training program: its identity, manifest and event log.
/// </summary>
/// <remarks>
/// At most one run is current per process; generated <see cref="MetricAttribute"/> loggers write to
/// <see cref="Current"/> and do nothing when no run is active. Dispose a run to finish it.
/// </remarks>
public sealed class Run : IDisposable
{
    private static Run? s_current;

    private readonly Lock _gate = new();
    private readonly RunEventLog _log;
    private readonly SortedDictionary<string, long> _seeds = new(StringComparer.Ordinal);
    private RunManifest _manifest;

    private Run(Ulid id, string directory, RunManifest manifest)
    {
        Id = id;
        Directory = directory;
        _manifest = manifest;
        _log = new RunEventLog(ReproHome.WalDirectory(directory), id);
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
    public bool IsEnded => Manifest.Status != RunStatus.Running;

    /// <summary>
    /// Starts a run: creates its owner-only folder, records the build stamp and environment in the
    /// manifest, logs a start event, and makes it <see cref="Current"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another run is active in this process.</exception>
    public static Run Start(RunOptions? options = null)
    {
        options ??= new RunOptions();
        var program = options.ProgramAssembly ?? Assembly.GetEntryAssembly();
        var home = ReproHome.Resolve(options.Home);
        var id = Ulid.NewUlid();
        var directory = ReproHome.RunDirectory(home, id.ToString());

        var manifest = new RunManifest
        {
            RunId = id.ToString(),
            Name = string.IsNullOrWhiteSpace(options.Name) ? program?.GetName().Name ?? "run" : options.Name,
            Status = RunStatus.Running,
            StartedAt = DateTimeOffset.UtcNow,
            Build = BuildStamp.Read(program),
            Environment = RunEnvironment.Capture(),
        };

        if (Interlocked.CompareExchange(ref s_current, null, null) is { } active)
        {
            throw new InvalidOperationException($"Run {active.Id} is still active in this process; dispose it before starting another.");
        }

        ReproHome.CreateOwnerOnlyDirectory(directory);
        RunManifestJson.Write(ReproHome.ManifestPath(directory), manifest);
        var run = new Run(id, directory, manifest);
        if (Interlocked.CompareExchange(ref s_current, run, null) is not null)
        {
            run._log.Dispose();
            throw new InvalidOperationException("Another run became active while this one was starting.");
        }

        run._log.AppendLifecycle(Lifecycle.Types.Kind.Started, string.Empty);
        return run;
    }

    /// <summary>Records a scalar value of <paramref name="metric"/> at <paramref name="step"/>.</summary>
    public void LogScalar(MetricDeclaration metric, long step, double value)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ThrowIfEnded();
        _log.AppendScalar(metric.Name, step, value);
    }

    /// <summary>Records in the manifest that generator <paramref name="generator"/> was seeded with <paramref name="seed"/>.</summary>
    public void RecordSeed(string generator, long seed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(generator);
        lock (_gate)
        {
            ThrowIfEnded();
            _seeds[generator] = seed;
            _manifest = _manifest with { Seeds = new SortedDictionary<string, long>(_seeds, StringComparer.Ordinal) };
            RunManifestJson.Write(ReproHome.ManifestPath(Directory), _manifest);
        }
    }

    /// <summary>Hands every event logged so far to the operating system (survives a process crash).</summary>
    public void Flush() => _log.Flush();

    /// <summary>Writes every event logged so far to stable storage (survives a power loss).</summary>
    public void FlushDurable() => _log.FlushDurable();

    /// <summary>Ends the run normally.</summary>
    public void Finish() => End(RunStatus.Finished, null);

    /// <summary>Ends the run as failed by <paramref name="exception"/>.</summary>
    public void Fail(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        End(RunStatus.Failed, $"{exception.GetType().FullName}: {exception.Message}");
    }

    /// <summary>Finishes the run if it has not ended yet.</summary>
    public void Dispose()
    {
        if (!IsEnded)
        {
            Finish();
        }
    }

    private void End(RunStatus status, string? failure)
    {
        lock (_gate)
        {
            ThrowIfEnded();
            _log.AppendLifecycle(status == RunStatus.Failed ? Lifecycle.Types.Kind.Failed : Lifecycle.Types.Kind.Finished, failure ?? string.Empty);
            _log.Dispose();
            _manifest = _manifest with
            {
                Status = status,
                EndedAt = DateTimeOffset.UtcNow,
                LastSequence = _log.LastSequence,
                Failure = failure,
            };
            RunManifestJson.Write(ReproHome.ManifestPath(Directory), _manifest);
        }

        Interlocked.CompareExchange(ref s_current, null, this);
    }

    private void ThrowIfEnded()
    {
        if (_manifest.Status != RunStatus.Running)
        {
            throw new InvalidOperationException($"Run {Id} has ended ({_manifest.Status}); nothing more can be recorded.");
        }
    }
}
