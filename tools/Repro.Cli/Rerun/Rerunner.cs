using System.Globalization;
using System.Text.Json;
using Repro.Provenance;
using Repro.Runs;
using Repro.Security;

namespace Repro.Cli.Rerun;

/// <summary>How <c>repro rerun</c> may differ from the original, for experiments.</summary>
/// <param name="Repository">The git repository holding the stamped commit (default: the one around the current folder).</param>
/// <param name="Project">The project to build, relative to the repository root (default: the one named after the assembly).</param>
/// <param name="Threads">Threads for the numerics libraries (OMP_NUM_THREADS, MKL_NUM_THREADS), or null to keep the original's.</param>
/// <param name="Device">"cpu" (no GPU visible) or "cuda:N" (only GPU N visible), or null to keep the original's.</param>
internal sealed record RerunOptions(string? Repository, string? Project, int? Threads, string? Device);

/// <summary>Why a run cannot be re-executed; the message says what is missing and what to do.</summary>
internal sealed class RerunRefusedException(string message) : Exception(message);

/// <summary>
/// Re-executes a run from its record: the stamped commit checked out into a temporary worktree, the kept patch
/// applied when the build was dirty, packages restored in locked mode from the committed lock file, the program
/// built and started with the recorded arguments and environment, into a new run that records <c>rerunOf</c>.
/// </summary>
internal static class Rerunner
{
    // Variables that change numerics: a value the original did not have is removed from the rerun's environment.
    private static readonly string[] s_numericPrefixes = ["TORCH", "CUDA", "CUBLAS", "CUDNN", "NCCL", "OMP_", "MKL_", "KMP_"];

    /// <summary>Checks out, builds and runs; returns the id of the new run.</summary>
    /// <exception cref="RerunRefusedException">The record does not allow an exact rebuild, or a step failed.</exception>
    public static string Rerun(RunManifest original, string home, RerunOptions options, TextWriter progress)
    {
        if (!original.Build.Stamped || original.Build.Commit is not { } commit)
        {
            throw new RerunRefusedException($"Run {original.RunId}'s program carries no build stamp with a commit, so the code it ran cannot be checked out.");
        }

        byte[]? patch = null;
        if (original.Build.Dirty == true && (patch = BuildPatch.TryRead(original, out var why, exactOnly: true)) is null)
        {
            throw new RerunRefusedException($"Run {original.RunId} was built from a working tree with uncommitted changes, and {why}; its code cannot be rebuilt exactly.");
        }

        var arguments = original.Environment.CommandLine.Skip(1).ToList();
        if (arguments.Any(a => a.Contains(SecretRedactor.Mask, StringComparison.Ordinal)))
        {
            throw new RerunRefusedException($"Run {original.RunId}'s command line held secrets, which were never recorded ({SecretRedactor.Mask}); rerun the program yourself with them.");
        }

        var root = Git(options.Repository ?? System.Environment.CurrentDirectory, "rev-parse", "--show-toplevel").Trim();
        Git(root, "cat-file", "-e", commit + "^{commit}");
        var worktree = Path.Combine(Path.GetTempPath(), $"repro-rerun-{original.RunId}-{System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
        progress.WriteLine($"Checking out {commit} into {worktree}");
        Git(root, "worktree", "add", "--detach", "--force", worktree, commit);
        try
        {
            if (patch is not null)
            {
                var patchFile = Path.Combine(worktree, ".repro-rerun.patch");
                File.WriteAllBytes(patchFile, patch);
                progress.WriteLine($"Applying the build's patch (SHA-256 {original.Build.PatchSha256})");
                Git(worktree, "apply", "--binary", "--whitespace=nowarn", patchFile);
                File.Delete(patchFile);
            }

            var project = FindProject(worktree, original, options.Project);
            var configuration = BuildSetting(original, "configuration") ?? "Debug";
            var lockFile = Path.Combine(Path.GetDirectoryName(project)!, "packages.lock.json");
            progress.WriteLine(File.Exists(lockFile)
                ? $"Building {Path.GetRelativePath(worktree, project)} ({configuration}), packages restored in locked mode"
                : $"Building {Path.GetRelativePath(worktree, project)} ({configuration}); warning: no packages.lock.json, so package versions are not pinned");
            var build = ChildProcesses.Run("dotnet", ["build", project, "-c", configuration, "-nologo", "-v:q", $"-p:RestoreLockedMode={(File.Exists(lockFile) ? "true" : "false")}"], worktree);
            if (build.ExitCode != 0)
            {
                throw new RerunRefusedException($"The build at {commit} failed:{System.Environment.NewLine}{Tail(build.Text + build.Error)}");
            }

            var targetPath = ChildProcesses.Run("dotnet", ["msbuild", project, "-getProperty:TargetPath", $"-p:Configuration={configuration}", "-nologo"], worktree);
            var program = targetPath.Text.Trim();
            if (targetPath.ExitCode != 0 || !File.Exists(program))
            {
                throw new RerunRefusedException($"The built program could not be found ({Tail(targetPath.Text + targetPath.Error)}).");
            }

            var started = DateTimeOffset.UtcNow;
            progress.WriteLine($"Running {Path.GetFileName(program)} {string.Join(' ', arguments)}");
            var run = ChildProcesses.Run("dotnet", [program, .. arguments], WorkingDirectory(original, root, worktree), ChildEnvironment(original, home, options), echo: progress);
            progress.Write(run.Text);
            return FindRerun(home, original.RunId, started)
                ?? throw new RerunRefusedException($"The program exited with {run.ExitCode.ToString(CultureInfo.InvariantCulture)} without recording a run in {home}.");
        }
        finally
        {
            ChildProcesses.Run("git", ["worktree", "remove", "--force", worktree], root);
            if (Directory.Exists(worktree))
            {
                Directory.Delete(worktree, recursive: true);
            }

            ChildProcesses.Run("git", ["worktree", "prune"], root);
        }
    }

    private static string FindProject(string worktree, RunManifest original, string? project)
    {
        if (project is not null)
        {
            var path = Path.Combine(worktree, project);
            return File.Exists(path) ? path : throw new RerunRefusedException($"{project} does not exist at commit {original.Build.Commit}.");
        }

        var assembly = original.Build.Assembly ?? throw new RerunRefusedException("The build stamp names no assembly; give --project.");
        var candidates = Directory.EnumerateFiles(worktree, assembly + ".csproj", SearchOption.AllDirectories)
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "artifacts" or "node_modules")).ToList();
        return candidates.Count == 1
            ? candidates[0]
            : throw new RerunRefusedException(candidates.Count == 0
                ? $"No {assembly}.csproj at commit {original.Build.Commit}; give --project <path relative to the repository>."
                : $"Several {assembly}.csproj files at commit {original.Build.Commit}; give --project.");
    }

    /// <summary>The original's working folder at the same place in the worktree when it was inside the repository.</summary>
    private static string WorkingDirectory(RunManifest original, string root, string worktree)
    {
        var recorded = original.Environment.WorkingDirectory;
        if (recorded is null)
        {
            return worktree;
        }

        var relative = Path.GetRelativePath(root, recorded);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? worktree : Path.Combine(worktree, relative);
    }

    /// <summary>The current environment with the original's recorded variables, numerics variables it lacked removed, and the overrides.</summary>
    private static Dictionary<string, string?> ChildEnvironment(RunManifest original, string home, RerunOptions options)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in System.Environment.GetEnvironmentVariables().Keys.OfType<string>())
        {
            if (s_numericPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) && !original.Environment.Variables.ContainsKey(name))
            {
                environment[name] = null;
            }
        }

        foreach (var (name, value) in original.Environment.Variables.Where(v => !v.Value.Contains(SecretRedactor.Mask, StringComparison.Ordinal)))
        {
            environment[name] = value;
        }

        if (options.Threads is { } threads)
        {
            environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
            environment["MKL_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        }

        if (options.Device is { } device)
        {
            environment["CUDA_VISIBLE_DEVICES"] = device == "cpu" ? string.Empty : device["cuda:".Length..];
        }

        environment[Storage.ReproHome.EnvironmentVariable] = home;
        environment[RunOptions.RerunOfVariable] = original.RunId;
        return environment;
    }

    private static string? FindRerun(string home, string originalId, DateTimeOffset startedAfter) =>
        new Storage.RunStore(home).ListRuns()
            .Where(m => m.RerunOf == originalId && m.StartedAt >= startedAfter.AddSeconds(-1))
            .Select(m => m.RunId).FirstOrDefault(); // newest first

    private static string? BuildSetting(RunManifest manifest, string name) =>
        manifest.Build.Provenance is { ValueKind: JsonValueKind.Object } provenance && provenance.TryGetProperty("build", out var build)
            && build.ValueKind == JsonValueKind.Object && build.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string Git(string folder, params string[] arguments)
    {
        var result = ChildProcesses.Run("git", arguments, folder);
        return result.ExitCode == 0 ? result.Text : throw new RerunRefusedException($"git {string.Join(' ', arguments)} failed in {folder}: {result.Error.Trim()}");
    }

    private static string Tail(string text) => string.Join(System.Environment.NewLine, text.Split('\n').Where(l => l.Trim().Length > 0).TakeLast(15));
}
