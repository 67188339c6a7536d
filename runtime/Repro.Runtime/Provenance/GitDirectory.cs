using System;
using System.IO;

namespace Repro.Provenance;

/// <summary>
/// Where git keeps the state of a working tree, found without running git: <c>.git</c> as a folder (a normal
/// clone), or as a file naming the folder (a linked worktree or a submodule). The files listed by
/// <see cref="StateFiles"/> change whenever HEAD, the index or a branch moves, so MSBuild can use them as inputs.
/// Compiled into the runtime (the HEAD check at run start) and the MSBuild tasks alike.
/// </summary>
internal sealed class GitDirectory
{
    private GitDirectory(string workTree, string gitDirectory, string commonDirectory)
    {
        WorkTree = workTree;
        Path = gitDirectory;
        CommonPath = commonDirectory;
    }

    /// <summary>The top of the working tree.</summary>
    public string WorkTree { get; }

    /// <summary>This working tree's git folder (HEAD and index live here).</summary>
    public string Path { get; }

    /// <summary>The repository's shared folder (refs, packed-refs, objects); the same as <see cref="Path"/> except in linked worktrees.</summary>
    public string CommonPath { get; }

    /// <summary>Whether this working tree is a linked worktree (<c>git worktree add</c>).</summary>
    public bool IsLinkedWorktree => !string.Equals(Path, CommonPath, StringComparison.Ordinal);

    /// <summary>Files whose change means the stamp may have changed.</summary>
    public string[] StateFiles =>
    [
        System.IO.Path.Combine(Path, "HEAD"),
        System.IO.Path.Combine(Path, "index"),
        System.IO.Path.Combine(Path, "logs", "HEAD"),
        System.IO.Path.Combine(CommonPath, "packed-refs"),
        System.IO.Path.Combine(CommonPath, "config"),
    ];

    /// <summary>The git folder of the working tree containing <paramref name="directory"/>, or null when there is none.</summary>
    public static GitDirectory? Find(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            var dotGit = System.IO.Path.Combine(current.FullName, ".git");
            if (Directory.Exists(dotGit))
            {
                return new GitDirectory(current.FullName, dotGit, CommonOf(dotGit));
            }

            if (File.Exists(dotGit) && ReadGitFile(dotGit, current.FullName) is { } linked)
            {
                return new GitDirectory(current.FullName, linked, CommonOf(linked));
            }
        }

        return null;
    }

    // A `.git` file holds one line, "gitdir: <path>", relative to the file's folder or absolute.
    private static string? ReadGitFile(string file, string folder)
    {
        var line = File.ReadAllText(file).Trim();
        const string Prefix = "gitdir:";
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, line.Substring(Prefix.Length).Trim()));
        return Directory.Exists(path) ? path : null;
    }

    // Linked worktrees name the shared folder in `commondir`.
    private static string CommonOf(string gitDirectory)
    {
        var file = System.IO.Path.Combine(gitDirectory, "commondir");
        if (!File.Exists(file))
        {
            return gitDirectory;
        }

        return System.IO.Path.GetFullPath(System.IO.Path.Combine(gitDirectory, File.ReadAllText(file).Trim()));
    }
}
