namespace Repro.Runs;

/// <summary>
/// A running run's manifest: the current value and its file, changed together under one lock so
/// concurrent updates (seeds, hyperparameters, a writer fault, the end) never interleave on disk.
/// </summary>
internal sealed class ManifestFile
{
    private readonly Lock _gate = new();
    private readonly string _path;
    private RunManifest _manifest;

    public ManifestFile(string path, RunManifest manifest)
    {
        _path = path;
        _manifest = manifest;
    }

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

    /// <summary>Writes the first version of the file.</summary>
    public void WriteInitial()
    {
        lock (_gate)
        {
            RunManifestJson.Write(_path, _manifest);
        }
    }

    /// <summary>Applies <paramref name="change"/> and writes the result atomically; <paramref name="canChange"/> may refuse under the lock.</summary>
    public RunManifest Update(Func<RunManifest, RunManifest> change, Action? canChange = null)
    {
        lock (_gate)
        {
            canChange?.Invoke();
            var next = change(_manifest);
            _manifest = next;
            RunManifestJson.Write(_path, next);
            return next;
        }
    }
}
