using System.Diagnostics;

namespace Repro.Tests.Shared;

/// <summary>The outcome of a child process.</summary>
internal sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;

    /// <summary>Fails the test with the whole output when the process did not exit with 0.</summary>
    public ProcessResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited with {ExitCode}:\n{Output}\n{Error}");
        }

        return this;
    }
}

/// <summary>
/// Runs real child processes (git, dotnet) with an environment cleaned of the variables that the
/// outer `dotnet test` and CI systems set, so results are the same locally and on CI.
/// </summary>
internal static class ChildProcess
{
    private static readonly string[] s_strippedPrefixes = ["MSBUILD", "GITHUB_", "BUILD_", "SYSTEM_", "TF_BUILD", "GITLAB_", "CI_", "JENKINS_", "BUILDKITE", "TEAMCITY_", "VSTEST_", "TESTINGPLATFORM_", "REPRO_"];

    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name == "CI" || s_strippedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No build servers left running after the test: each scratch build is self-contained.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time.");
        }

        return new ProcessResult(process.ExitCode, output.Result, error.Result);
    }

    public static ProcessResult Git(string workingDirectory, params string[] arguments) =>
        Run("git", ["-c", "user.name=Repro Test", "-c", "user.email=test@repro.invalid", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", .. arguments], workingDirectory)
            .EnsureSuccess("git " + string.Join(' ', arguments));

    public static ProcessResult Dotnet(string workingDirectory, params string[] arguments) =>
        Run("dotnet", arguments, workingDirectory, timeout: TimeSpan.FromMinutes(8));
}
