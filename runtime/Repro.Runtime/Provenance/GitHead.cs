namespace Repro.Provenance;

/// <summary>
/// The commit HEAD points to in the working tree containing a folder, read from git's files (loose refs,
/// packed-refs, linked worktrees and submodules' <c>.git</c> files) without starting git.
/// </summary>
public static class GitHead
{
    /// <summary>HEAD's commit SHA, or null outside a repository or before the first commit.</summary>
    public static string? Read(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            var dotGit = Path.Combine(current.FullName, ".git");
            var gitDirectory = Directory.Exists(dotGit) ? dotGit : File.Exists(dotGit) ? LinkedDirectory(dotGit, current.FullName) : null;
            if (gitDirectory is not null)
            {
                return Resolve(gitDirectory);
            }
        }

        return null;
    }

    private static string? Resolve(string gitDirectory)
    {
        var headFile = Path.Combine(gitDirectory, "HEAD");
        if (!File.Exists(headFile))
        {
            return null;
        }

        var head = File.ReadAllText(headFile).Trim();
        if (!head.StartsWith("ref:", StringComparison.Ordinal))
        {
            return IsSha(head) ? head : null;
        }

        var reference = head[4..].Trim();
        var common = CommonDirectory(gitDirectory);
        foreach (var root in new[] { gitDirectory, common })
        {
            var loose = Path.Combine(root, reference.Replace('/', Path.DirectorySeparatorChar));
            if (File.Exists(loose) && File.ReadAllText(loose).Trim() is var sha && IsSha(sha))
            {
                return sha;
            }
        }

        var packed = Path.Combine(common, "packed-refs");
        if (File.Exists(packed))
        {
            foreach (var line in File.ReadLines(packed))
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && parts[1] == reference && IsSha(parts[0]))
                {
                    return parts[0];
                }
            }
        }

        return null;
    }

    private static string? LinkedDirectory(string file, string folder)
    {
        var line = File.ReadAllText(file).Trim();
        if (!line.StartsWith("gitdir:", StringComparison.Ordinal))
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(folder, line["gitdir:".Length..].Trim()));
        return Directory.Exists(path) ? path : null;
    }

    private static string CommonDirectory(string gitDirectory)
    {
        var file = Path.Combine(gitDirectory, "commondir");
        return File.Exists(file) ? Path.GetFullPath(Path.Combine(gitDirectory, File.ReadAllText(file).Trim())) : gitDirectory;
    }

    private static bool IsSha(string text) => text.Length is 40 or 64 && text.All(Uri.IsHexDigit);
}
