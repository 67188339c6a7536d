using Microsoft.Extensions.Logging;

namespace Repro.Runs;

/// <summary>
/// A running run's manifest: the current value and its file, changed together under one lock so
/// concurrent updates (seeds, hyperparameters, a writer fault, the end) never interleave on disk.
/// </summary>
/// <remarks>
/// A full disk must not leave the run unable to say why it stopped, so the run folder holds a small
/// reserve file while the run is live: when a manifest write finds no space, the reserve is deleted
/// and the write tried once more. A write that still fails keeps the new value in memory and is
/// logged, never thrown into the training loop; the next write (the end) carries it.
/// </remarks>
internal sealed class ManifestFile
{
    /// <summary>Name of the reserve file in the run folder.</summary>
    public const string ReserveFileName = "space.reserve";

    /// <summary>Bytes kept in reserve: several manifests' worth.</summary>
    internal const int ReserveBytes = 256 * 1024;

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly string _reservePath;
    private RunManifest _manifest;

    public ManifestFile(string path, RunManifest manifest)
    {
        _path = path;
        _reservePath = Path.Combine(Path.GetDirectoryName(path)!, ReserveFileName);
        _manifest = manifest;
    }

    /// <summary>Where failed writes are reported; set once the run has its logger.</summary>
    public ILogger? Logger { get; set; }

    public RunManifest Current
    {
        get
        {
            lock (_gate)
            {
                return _manifest;
            }
        }
    }

    /// <summary>Writes the first version of the file and the space reserve; failures are thrown (the run cannot start).</summary>
    public void WriteInitial()
    {
        lock (_gate)
        {
            RunManifestJson.Write(_path, _manifest);
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = Storage.ReproHome.OwnerOnlyFile;
            }

            // Real bytes, not a sparse length: only written blocks are space a full disk can give back.
            using var reserve = new FileStream(_reservePath, options);
            reserve.Write(new byte[ReserveBytes]);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> and writes the result atomically; <paramref name="canChange"/> may
    /// refuse under the lock. Returns false (and logs) when the file could not be written.
    /// </summary>
    public bool Update(Func<RunManifest, RunManifest> change, Action? canChange = null)
    {
        lock (_gate)
        {
            canChange?.Invoke();
            _manifest = change(_manifest);
            return TryWrite();
        }
    }

    /// <summary>Deletes the reserve: the run is over and its last manifest written (or given up on).</summary>
    public void ReleaseReserve()
    {
        try
        {
            File.Delete(_reservePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover reserve only costs its bytes; gc-like cleanup can remove it.
        }
    }

    private bool TryWrite()
    {
        try
        {
            RunManifestJson.Write(_path, _manifest);
            return true;
        }
        catch (IOException) when (File.Exists(_reservePath))
        {
            ReleaseReserve();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(e);
            return false;
        }

        try
        {
            RunManifestJson.Write(_path, _manifest);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(e);
            return false;
        }
    }

    private void Report(Exception e)
    {
        if (Logger is { } logger)
        {
            Diagnostics.ReproLog.ManifestWriteFailed(logger, _path, e);
        }
    }
}
