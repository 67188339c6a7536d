namespace Repro.Storage.Maintenance;

/// <summary>
/// The home's maintenance lock (<c>maintenance.lock</c>, an advisory lock held open): <c>runs delete</c>,
/// <c>runs restore</c> and <c>gc</c> take it, so a restore can never bring a run back while <c>gc</c> is deleting the
/// objects only that run referenced. The kernel releases it when its process dies.
/// </summary>
public sealed class MaintenanceLock : IDisposable
{
    /// <summary>The lock file's name in the home.</summary>
    public const string FileName = "maintenance.lock";

    private readonly FileStream _stream;

    private MaintenanceLock(FileStream stream)
    {
        _stream = stream;
    }

    /// <summary>Takes the home's lock, waiting up to <paramref name="wait"/> (30 s by default) for another holder.</summary>
    /// <exception cref="IOException">Another process held it for the whole wait; the message says which command to look for.</exception>
    public static MaintenanceLock Acquire(string home, TimeSpan? wait = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        ReproHome.CreateOwnerOnlyDirectory(home);
        var path = Path.Combine(home, FileName);
        return new MaintenanceLock(ExclusiveFile.Open(path, wait ?? TimeSpan.FromSeconds(30), held =>
            new IOException($"{path} is held by another process (a 'repro gc', 'runs delete' or 'runs restore' still going): try again once it ends.", held)));
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
