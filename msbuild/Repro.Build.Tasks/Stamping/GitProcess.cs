using System;
using System.Diagnostics;

namespace Repro.Build.Tasks.Stamping;

/// <summary>Runs the git command line, read-only, with no network and no optional locks.</summary>
internal static class GitProcess
{
    /// <summary>Runs git with <paramref name="arguments"/> in <paramref name="directory"/>; null when git is missing or fails.</summary>
    public static string? Run(string directory, params string[] arguments)
    {
        // The arguments are constants of this assembly without spaces or quotes, so joining them is exact.
        var start = new ProcessStartInfo("git", "--no-pager " + string.Join(" ", arguments))
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        // A build must never take git's index lock (a concurrent `git commit` would fail) or prompt.
        start.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["LC_ALL"] = "C";

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var stderr = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            _ = stderr.Result;
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
