namespace Repro.Storage;

/// <summary>
/// Where Repro keeps its data, found the way git finds <c>.git</c>: an explicit folder, else
/// <c>$REPRO_HOME</c>, else the nearest <c>.repro</c> folder in the current folder or above it, else
/// <c>.repro</c> at the root of the git repository the current folder is in, else <c>./.repro</c>.
/// </summary>
/// <param name="Path">The absolute path of the home (it may not exist yet).</param>
/// <param name="Source">How it was chosen, in words, for messages: "--home", "$REPRO_HOME", "found above the current folder", "the repository root", "the current folder".</param>
public sealed record ReproHomeLocation(string Path, string Source);

/// <summary>
/// Where Repro keeps its data: see <see cref="ReproHomeLocation"/> for how the default is found.
/// </summary>
public static class ReproHome
{
    /// <summary>The environment variable that overrides the default location.</summary>
    public const string EnvironmentVariable = "REPRO_HOME";

    /// <summary>Name of the default folder.</summary>
    public const string DefaultFolderName = ".repro";

    /// <summary>The owner-only permissions of every directory Repro creates (0700).</summary>
    internal const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The owner-only permissions of every file Repro creates (0600).</summary>
    internal const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Resolves the home directory to an absolute path (see <see cref="Locate"/>).</summary>
    public static string Resolve(string? explicitHome = null) => Locate(explicitHome).Path;

    /// <summary>
    /// Finds the home: <paramref name="explicitHome"/>, else <c>$REPRO_HOME</c>, else the nearest
    /// <c>.repro</c> folder from <paramref name="startDirectory"/> (the current folder by default) up to
    /// the file system's root, else <c>.repro</c> at the root of the enclosing git repository, else
    /// <c>.repro</c> in the start folder. So every program and every <c>repro</c> command run anywhere
    /// in a repository share one home.
    /// </summary>
    public static ReproHomeLocation Locate(string? explicitHome = null, string? startDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitHome))
        {
            return new ReproHomeLocation(System.IO.Path.GetFullPath(explicitHome), "--home");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new ReproHomeLocation(System.IO.Path.GetFullPath(fromEnvironment), "$" + EnvironmentVariable);
        }

        var start = System.IO.Path.GetFullPath(startDirectory ?? Directory.GetCurrentDirectory());
        string? repositoryRoot = null;
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            var candidate = System.IO.Path.Combine(folder.FullName, DefaultFolderName);
            if (Directory.Exists(candidate))
            {
                return new ReproHomeLocation(candidate, folder.FullName == start ? "the current folder" : "found above the current folder");
            }

            // The nearest .git (a folder, or a file in worktrees and submodules) marks the repository root.
            repositoryRoot ??= Directory.Exists(System.IO.Path.Combine(folder.FullName, ".git")) || File.Exists(System.IO.Path.Combine(folder.FullName, ".git")) ? folder.FullName : null;
        }

        return repositoryRoot is not null
            ? new ReproHomeLocation(System.IO.Path.Combine(repositoryRoot, DefaultFolderName), "the repository root")
            : new ReproHomeLocation(System.IO.Path.Combine(start, DefaultFolderName), "the current folder");
    }

    /// <summary>The folder that holds one sub-folder per run.</summary>
    public static string RunsDirectory(string home) => Path.Combine(home, "runs");

    /// <summary>The folder of run <paramref name="runId"/>.</summary>
    public static string RunDirectory(string home, string runId) => Path.Combine(RunsDirectory(home), runId);

    /// <summary>
    /// The WAL folder of the run stored in <paramref name="runDirectory"/>: <c>wal</c>, or <c>wal.raw</c> in the moment
    /// between the two renames with which downsampling swaps a rewritten log in (the raw log is whole until the
    /// rewritten one is in place).
    /// </summary>
    public static string WalDirectory(string runDirectory)
    {
        var wal = Path.Combine(runDirectory, "wal");
        var raw = Path.Combine(runDirectory, "wal.raw");
        return !Directory.Exists(wal) && Directory.Exists(raw) ? raw : wal;
    }

    /// <summary>The manifest file of the run stored in <paramref name="runDirectory"/>.</summary>
    public static string ManifestPath(string runDirectory) => Path.Combine(runDirectory, "manifest.json");

    /// <summary>
    /// Creates <paramref name="path"/> and any missing parents, each readable by the owner only.
    /// Directories that already exist keep their permissions.
    /// </summary>
    public static void CreateOwnerOnlyDirectory(string path)
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
