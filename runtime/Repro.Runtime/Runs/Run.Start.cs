using System.Reflection;
using Repro.Provenance;
using Repro.Runs;
using Repro.Storage;

namespace Repro;

public sealed partial class Run
{
    /// <summary>
    /// Starts a run: creates its owner-only folder, takes the run's writer lock, records the build
    /// stamp and environment in the manifest, starts the writer, logs a start event, and makes the
    /// run <see cref="Current"/>. Provenance warnings (a dirty build, a moved HEAD) are logged, kept in
    /// the manifest and, unless <see cref="RunOptions.WarningsToStandardError"/> is off, printed to
    /// standard error, one line each.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="InvalidOperationException">Another run is active in this process.</exception>
    /// <exception cref="ReproHomeException">The home cannot be written; the message names the path and the cause.</exception>
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
        var source = Pipeline.SourceInfo.Capture(options.Rank, options.WorldSize);
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
            Tags = RunTags.Redact(Pseudonymize(options, out var pseudonymKeyId)),
            PseudonymKeyId = pseudonymKeyId,
            RerunOf = options.ResolveRerunOf(),
            Note = options.Note is null ? null : Security.SecretRedactor.Redact(options.Note),
            Environment = RunEnvironment.Capture() with
            {
                ContainerId = source.ContainerId.Length == 0 ? null : source.ContainerId,
                Rank = source.Rank,
                WorldSize = source.WorldSize,
                JobId = options.ResolveJobId(),
            },
        };

        RunLock runLock;
        try
        {
            ReproHome.CreateOwnerOnlyDirectory(directory);
            // The lock is taken before the manifest says "running", so no reader ever sees a running
            // run without a live writer and mistakes it for a crashed one.
            runLock = RunLock.Acquire(directory, manifest.RunId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not RunLockedException)
        {
            throw new ReproHomeException(directory, e);
        }

        Run run;
        try
        {
            var manifestFile = new ManifestFile(ReproHome.ManifestPath(directory), manifest);
            manifestFile.WriteInitial();
            run = new Run(id, directory, manifestFile, runLock, source, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            runLock.Dispose();
            throw new ReproHomeException(directory, e);
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

        run.Enqueue("started", 0, e => e.Lifecycle = new Events.Lifecycle { Kind = Events.Lifecycle.Types.Kind.Started });
        foreach (var warning in manifest.Warnings)
        {
            Diagnostics.ReproLog.ProvenanceWarning(run._logger, manifest.RunId, warning);
            if (options.WarningsToStandardError)
            {
                Console.Error.WriteLine($"repro: warning: {warning}");
            }
        }

        return run;
    }

    /// <summary>What makes the program's provenance doubtful: a dirty build, or a working tree at another commit.</summary>
    /// <summary>The start tags with the values of <see cref="RunOptions.PseudonymizedTags"/> replaced by keyed pseudonyms.</summary>
    /// <exception cref="ArgumentException">Tags are to be pseudonymised but no key is set, or the key is unusable.</exception>
    private static IReadOnlyDictionary<string, string>? Pseudonymize(RunOptions options, out string? keyId)
    {
        keyId = null;
        if (options.PseudonymizedTags is not { Count: > 0 } keys || options.Tags is null || !options.Tags.Keys.Any(keys.Contains))
        {
            return options.Tags;
        }

        var pseudonymizer = Security.Pseudonymizer.FromEnvironment()
            ?? throw new ArgumentException($"PseudonymizedTags needs a key: set {Security.Pseudonymizer.KeyVariable} or {Security.Pseudonymizer.KeyFileVariable} (at least {Security.Pseudonymizer.MinimumKeyBytes} bytes).", nameof(options));
        keyId = pseudonymizer.KeyId;
        return options.Tags.ToDictionary(t => t.Key, t => keys.Contains(t.Key) ? pseudonymizer.Pseudonymize(t.Value) : t.Value, StringComparer.Ordinal);
    }

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
}
