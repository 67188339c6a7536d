using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Repro.Provenance;
using Repro.Security;

namespace Repro.Build.Tasks.Stamping;

/// <summary>
/// What git says about the working tree a project is built from. Read with the git command line (see
/// docs/formats/provenance.md for why): commit, branch or detached HEAD, commit time, shallow clone, linked
/// worktree, submodule, remote URL without credentials, and the uncommitted patch with untracked (not ignored)
/// files included.
/// </summary>
internal sealed class GitState
{
    public bool Available { get; private set; }

    /// <summary>The top of the working tree; null outside a repository.</summary>
    public string? WorkTree { get; private set; }

    public string? Commit { get; private set; }

    /// <summary>The branch HEAD points to; null when HEAD is detached.</summary>
    public string? Branch { get; private set; }

    public bool Detached { get; private set; }

    /// <summary>Committer time of HEAD, ISO 8601 with offset, as git prints it.</summary>
    public string? CommitTime { get; private set; }

    public bool Shallow { get; private set; }

    public bool LinkedWorktree { get; private set; }

    /// <summary>The working tree of the superproject when this repository is a submodule.</summary>
    public bool Submodule { get; private set; }

    public string? RemoteUrl { get; private set; }

    /// <summary>
    /// The uncommitted changes as a binary-safe patch git can apply (tracked changes against HEAD, then each
    /// untracked file), exactly as git wrote them; null when the tree is clean or the patch is over the size limit.
    /// </summary>
    public byte[]? Patch { get; private set; }

    /// <summary>Bytes in the whole patch (also when it is over the limit and not kept).</summary>
    public long PatchLength { get; private set; }

    public bool Dirty => PatchLength > 0;

    /// <summary>Lower-case hex SHA-256 of the whole patch; empty when clean.</summary>
    public string PatchSha256 { get; private set; } = string.Empty;

    /// <summary>Reads the state of the repository containing <paramref name="directory"/>; <see cref="Available"/> is false outside one.</summary>
    /// <param name="directory">Where to start looking.</param>
    /// <param name="patchSizeLimit">Largest patch kept in memory; a larger one is hashed while streamed, never held.</param>
    public static GitState Read(string directory, long patchSizeLimit = long.MaxValue)
    {
        var state = new GitState();
        var location = GitDirectory.Find(directory);
        state.WorkTree = location?.WorkTree;
        var head = location is null ? null : GitProcess.Run(directory, "rev-parse", "--verify", "-q", "HEAD");
        if (location is null || head is null)
        {
            return state;
        }

        state.Available = true;
        state.Commit = head.Trim();
        state.Branch = GitProcess.Run(directory, "symbolic-ref", "-q", "--short", "HEAD")?.Trim() is { Length: > 0 } branch ? branch : null;
        state.Detached = state.Branch is null;
        state.CommitTime = GitProcess.Run(directory, "show", "-s", "--format=%cI", "HEAD")?.Trim();
        state.Shallow = GitProcess.Run(directory, "rev-parse", "--is-shallow-repository")?.Trim() == "true";
        state.LinkedWorktree = location.IsLinkedWorktree;
        state.Submodule = GitProcess.Run(directory, "rev-parse", "--show-superproject-working-tree")?.Trim() is { Length: > 0 };
        state.RemoteUrl = ReadRemoteUrl(directory, state.Branch);
        using var patch = new PatchCollector(patchSizeLimit);
        ReadPatch(location.WorkTree, patch);
        state.PatchLength = patch.Length;
        state.PatchSha256 = patch.Length > 0 ? patch.Sha256() : string.Empty;
        state.Patch = patch.Length > 0 ? patch.Bytes : null;
        return state;
    }

    // The branch's upstream remote, else origin, else the first remote, credentials removed. Reads config only.
    private static string? ReadRemoteUrl(string directory, string? branch)
    {
        var remotes = (GitProcess.Run(directory, "remote") ?? string.Empty)
            .Split(['\n'], StringSplitOptions.RemoveEmptyEntries).Select(r => r.Trim()).OrderBy(r => r, StringComparer.Ordinal).ToList();
        var upstream = branch is null ? null : GitProcess.Run(directory, "config", "--get", $"branch.{branch}.remote")?.Trim();
        var name = remotes.Contains(upstream ?? string.Empty) ? upstream : remotes.Contains("origin") ? "origin" : remotes.FirstOrDefault();
        var url = name is null ? null : GitProcess.Run(directory, "remote", "get-url", name)?.Trim();
        return url is null ? null : SecretRedactor.RedactUrl(url);
    }

    private static void ReadPatch(string workTree, PatchCollector patch)
    {
        // Streamed: a failed diff (exit code not 0) leaves what it wrote, which is then part of the hash too;
        // git writes nothing to standard output when it fails before diffing.
        GitProcess.RunInto(workTree, patch.Append, "diff", "HEAD", "--binary", "--no-color", "--no-ext-diff", "--no-textconv", "--full-index");

        var untracked = GitProcess.RunBytes(workTree, "ls-files", "--others", "--exclude-standard", "-z");
        var paths = untracked is { ExitCode: 0 }
            ? Encoding.UTF8.GetString(untracked.Value.Output).Split(['\0'], StringSplitOptions.RemoveEmptyEntries).OrderBy(p => p, StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        foreach (var path in paths)
        {
            // The size limit applies before the file is read: a file that cannot fit is only hashed as it streams by.
            var file = new FileInfo(Path.Combine(workTree, path));
            patch.ExpectMore(file.Exists ? file.Length : 0);
            GitProcess.RunInto(workTree, patch.Append, "diff", "--no-index", "--binary", "--no-color", "--full-index", "--", "/dev/null", path);
        }
    }

    internal static byte[] Sha256(byte[] data)
    {
        using var sha = SHA256.Create();
        return sha.ComputeHash(data);
    }

    internal static string Hex(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
