using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Build.Framework;
using Repro.Provenance;
using Task = Microsoft.Build.Utilities.Task;

namespace Repro.Build.Tasks.Stamping;

/// <summary>
/// MSBuild task, run on every build: a cheap fingerprint of the whole working tree's uncommitted state,
/// written to <see cref="FingerprintFile"/> only when it changes, so the stamp target (which lists the
/// file as an input) re-runs whenever anything in the tree changed — wherever it is, tracked or not —
/// and is skipped otherwise.
/// </summary>
/// <remarks>
/// The fingerprint is <c>git status --porcelain=v2 --untracked-files=all</c> (git answers from its index's
/// stat cache, without reading file contents) plus the size and modification time of every path it lists,
/// so a second edit to an already modified file changes it too. Nerdbank.GitVersioning likewise recomputes
/// its git state on every build rather than trusting MSBuild's inputs. Paths under this project's own
/// obj/ and bin/ folders are left out: the build writes them.
/// </remarks>
public sealed class FingerprintWorkingTree : Task
{
    /// <summary>Where to start looking for the repository (upwards).</summary>
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary>The file holding the fingerprint; rewritten only when the fingerprint changes.</summary>
    [Required]
    public string FingerprintFile { get; set; } = string.Empty;

    /// <summary>Folders whose contents the fingerprint ignores (the build's own outputs).</summary>
    public ITaskItem[] ExcludedDirectories { get; set; } = [];

    /// <inheritdoc />
    public override bool Execute()
    {
        var location = GitDirectory.Find(ProjectDirectory);
        var fingerprint = location is null ? "no repository\n" : Compute(location.WorkTree, ExcludedDirectories.Select(d => d.GetMetadata("FullPath")).ToList());
        OwnerOnly.WriteIfChanged(FingerprintFile, Encoding.UTF8.GetBytes(fingerprint));
        return true;
    }

    /// <summary>The fingerprint text: one line per changed path with its status, size and time, then a hash of them all.</summary>
    internal static string Compute(string workTree, IReadOnlyList<string> excluded)
    {
        var status = GitProcess.RunBytes(workTree, "status", "--porcelain=v2", "-z", "--untracked-files=all", "--ignore-submodules=none");
        if (status is not { ExitCode: 0 } result)
        {
            // No answer from git: a value that never matches, so the stamp always runs (and reports the problem itself).
            return "git status failed " + Guid.NewGuid().ToString("N") + "\n";
        }

        var prefixes = excluded.Select(d => Path.GetFullPath(d).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).ToList();
        var lines = new List<string>();
        foreach (var (entry, path) in Entries(Encoding.UTF8.GetString(result.Output)))
        {
            var full = Path.GetFullPath(Path.Combine(workTree, path));
            if (prefixes.Any(p => full.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }

            var file = new FileInfo(full);
            var stat = file.Exists
                ? file.Length.ToString(CultureInfo.InvariantCulture) + " " + file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)
                : Directory.Exists(full) ? "dir" : "missing";
            lines.Add(entry + "\t" + stat);
        }

        lines.Sort(StringComparer.Ordinal);
        var text = string.Join("\n", lines) + "\n";
        using var sha = SHA256.Create();
        return GitState.Hex(sha.ComputeHash(Encoding.UTF8.GetBytes(text))) + "\n" + text;
    }

    /// <summary>Each porcelain v2 entry (NUL-separated) and the path it names.</summary>
    private static IEnumerable<(string Entry, string Path)> Entries(string output)
    {
        var tokens = output.Split(['\0'], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            switch (token[0])
            {
                case '1': // ordinary change: 8 fields, then the path
                    yield return (token, token.Split([' '], 9)[8]);
                    break;
                case '2': // rename or copy: 9 fields, the path, then the original path as the next token
                    yield return (token + " <- " + (i + 1 < tokens.Length ? tokens[i + 1] : string.Empty), token.Split([' '], 10)[9]);
                    i++;
                    break;
                case 'u': // unmerged: 10 fields, then the path
                    yield return (token, token.Split([' '], 11)[10]);
                    break;
                case '?': // untracked
                    yield return (token, token.Substring(2));
                    break;
            }
        }
    }
}
