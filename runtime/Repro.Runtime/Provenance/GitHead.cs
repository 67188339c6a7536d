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
        return GitDirectory.Find(directory) is { } git ? Resolve(git) : null;
    }

    private static string? Resolve(GitDirectory git)
    {
        var headFile = Path.Combine(git.Path, "HEAD");
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
        var common = git.CommonPath;
        foreach (var root in new[] { git.Path, common })
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

    private static bool IsSha(string text) => text.Length is 40 or 64 && text.All(Uri.IsHexDigit);
}
