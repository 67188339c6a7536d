namespace Repro.Storage;

/// <summary>
/// The exclusive right to write one run: <c>runs/&lt;run-id&gt;/writer.lock</c>, held open with
/// <see cref="FileShare.None"/> (an advisory <c>flock</c> on Unix). The kernel releases it when the
/// process dies, which is how a crashed run is told from a running one.
/// </summary>
internal sealed class RunLock : IDisposable
{
    public const string FileName = "writer.lock";

    private readonly FileStream _stream;

    private RunLock(FileStream stream)
    {
        _stream = stream;
    }

    /// <summary>Takes the lock or explains who holds it.</summary>
    /// <exception cref="RunLockedException">Another writer holds the run.</exception>
    public static RunLock Acquire(string runDirectory, string runId) =>
        TryAcquire(runDirectory) ?? throw new RunLockedException(runId);

    /// <summary>Takes the lock, or returns null when another writer holds it.</summary>
    public static RunLock? TryAcquire(string runDirectory)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ReproHome.OwnerOnlyFile;
        }

        try
        {
            return new RunLock(new FileStream(Path.Combine(runDirectory, FileName), options));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>Thrown when a second writer tries to write a run that another writer holds.</summary>
public sealed class RunLockedException : IOException
{
    /// <summary>Creates the exception for <paramref name="runId"/>.</summary>
    public RunLockedException(string runId)
        : base($"Run {runId} is being written by another process or Run instance; a run has exactly one writer.")
    {
        RunId = runId;
    }

    /// <summary>Creates the exception.</summary>
    public RunLockedException()
        : this("(unknown)")
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public RunLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
        RunId = string.Empty;
    }

    /// <summary>The run that is locked.</summary>
    public string RunId { get; }
}
