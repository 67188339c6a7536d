using System.Security.Cryptography;
using System.Text.Json;
using Repro.Runs;
using Repro.Storage;

namespace Repro.Cli.Verification;

/// <summary>
/// Checks a run's build stamp against a git repository: the stamped commit exists there, and, for a clean build,
/// every lock file the build hashed has that hash at that commit.
/// </summary>
internal static class BuildAudit
{
    public static IEnumerable<AuditCheck> Audit(RunManifest manifest, string? repository)
    {
        if (!manifest.Build.Stamped || manifest.Build.Commit is not { } commit)
        {
            yield return new AuditCheck("build", "stamped commit", CheckOutcome.Skipped,
                manifest.Build.Stamped ? "the program was not built in a git repository" : "the program carries no Repro build stamp");
            yield break;
        }

        var root = Git(repository ?? Environment.CurrentDirectory, "rev-parse", "--show-toplevel");
        if (root.ExitCode != 0)
        {
            // Asked for a repository that is not one: that is a failure; none found nearby is only a skip.
            yield return new AuditCheck("build", "stamped commit", repository is null ? CheckOutcome.Skipped : CheckOutcome.Failed,
                repository is null ? "not in a git repository here; give --repository <path> to check the commit"
                    : $"{repository} is not a git repository: {root.Text.Trim()}");
            yield break;
        }

        var top = root.Text.Trim();
        var exists = Git(top, "cat-file", "-e", commit + "^{commit}");
        yield return new AuditCheck("build", "stamped commit", exists.ExitCode == 0 ? CheckOutcome.Passed : CheckOutcome.Failed,
            exists.ExitCode == 0 ? $"{commit} is in {top}" : $"{commit} is not in {top} (fetch it, or the history was rewritten)");
        if (exists.ExitCode != 0)
        {
            yield break;
        }

        if (manifest.Build.Dirty == true)
        {
            yield return new AuditCheck("build", "lock files", CheckOutcome.Skipped, "the build was dirty: its lock files need not be the commit's");
            yield break;
        }

        foreach (var (path, hash) in LockFiles(manifest))
        {
            var content = GitBytes(top, "show", $"{commit}:{path}");
            var actual = content is null ? null : Convert.ToHexStringLower(SHA256.HashData(content));
            yield return new AuditCheck("build", $"lock file {path}", actual == hash ? CheckOutcome.Passed : CheckOutcome.Failed,
                actual is null ? $"not in commit {commit[..Math.Min(12, commit.Length)]}" : actual == hash ? $"SHA-256 {hash} at the commit" : $"recorded {hash}, the commit has {actual}");
        }
    }

    private static IEnumerable<(string Path, string Hash)> LockFiles(RunManifest manifest)
    {
        if (manifest.Build.Provenance is { ValueKind: JsonValueKind.Object } provenance
            && provenance.TryGetProperty("packages", out var packages) && packages.ValueKind == JsonValueKind.Object
            && packages.TryGetProperty("lockFiles", out var files) && files.ValueKind == JsonValueKind.Object)
        {
            foreach (var file in files.EnumerateObject().OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                yield return (file.Name, file.Value.GetString() ?? string.Empty);
            }
        }
    }

    private static (int ExitCode, string Text) Git(string folder, params string[] args)
    {
        var result = ChildProcesses.Run("git", args, folder);
        return (result.ExitCode, result.ExitCode == 0 ? result.Text : result.Error);
    }

    private static byte[]? GitBytes(string folder, params string[] args)
    {
        var result = ChildProcesses.Run("git", args, folder);
        return result.ExitCode == 0 ? result.Output : null;
    }
}
