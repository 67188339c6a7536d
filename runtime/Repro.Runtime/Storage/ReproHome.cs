namespace Repro.Storage;

/// <summary>
/// Where Repro keeps its data: <c>$REPRO_HOME</c>, or <c>.repro</c> in the current directory.
/// </summary>
public static class ReproHome
{
    /// <summary>The environment variable that overrides the default location.</summary>
    public const string EnvironmentVariable = "REPRO_HOME";

    /// <summary>Name of the default folder, created in the current directory.</summary>
    public const string DefaultFolderName = ".repro";

    /// <summary>The owner-only permissions of every directory Repro creates (0700).</summary>
    internal const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The owner-only permissions of every file Repro creates (0600).</summary>
    internal const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Resolves the home directory to an absolute path: an explicit value, else <c>$REPRO_HOME</c>, else <c>./.repro</c>.</summary>
    public static string Resolve(string? explicitHome = null)
    {
        var home = explicitHome;
        if (string.IsNullOrWhiteSpace(home))
        {
            home = Environment.GetEnvironmentVariable(EnvironmentVariable);
        }

        if (string.IsNullOrWhiteSpace(home))
        {
            home = DefaultFolderName;
        }

        return Path.GetFullPath(home);
    }

    /// <summary>The folder that holds one sub-folder per run.</summary>
    public static string RunsDirectory(string home) => Path.Combine(home, "runs");

    /// <summary>The folder of run <paramref name="runId"/>.</summary>
    public static string RunDirectory(string home, string runId) => Path.Combine(RunsDirectory(home), runId);

    /// <summary>The WAL folder of the run stored in <paramref name="runDirectory"/>.</summary>
    public static string WalDirectory(string runDirectory) => Path.Combine(runDirectory, "wal");

    /// <summary>The manifest file of the run stored in <paramref name="runDirectory"/>.</summary>
    public static string ManifestPath(string runDirectory) => Path.Combine(runDirectory, "manifest.json");

    /// <summary>
    /// Creates <paramref name="path"/> and any missing parents, each readable by the owner only.
    /// Directories that already exist keep their permissions.
    /// </summary>
    internal static void CreateOwnerOnlyDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // Directory.CreateDirectory applies the mode to the last level only; create parents one by one.
        var parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null && !Directory.Exists(parent))
        {
            CreateOwnerOnlyDirectory(parent);
        }

        if (Directory.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(path, OwnerOnlyDirectory);
        // A new folder's name lives in its parent: fsync the parent so the folder survives a power loss.
        if (parent is not null)
        {
            DirectorySync.Flush(parent);
        }
    }
}
