using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace Repro.Build.Tasks.Stamping;

/// <summary>
/// Runs the git command line, read-only: no network (only local plumbing commands are used), no optional locks
/// (a concurrent <c>git commit</c> never fails because a build was reading), no prompts, no pager, C locale.
/// </summary>
internal static class GitProcess
{
    /// <summary>Runs git with <paramref name="arguments"/> in <paramref name="directory"/>; null when git is missing or fails.</summary>
    public static string? Run(string directory, params string[] arguments)
    {
        var result = RunBytes(directory, arguments);
        return result is { ExitCode: 0 } ? Encoding.UTF8.GetString(result.Value.Output) : null;
    }

    /// <summary>Runs git and returns its exit code and raw standard output; null when git cannot be started.</summary>
    public static (int ExitCode, byte[] Output)? RunBytes(string directory, params string[] arguments)
    {
        using var output = new MemoryStream();
        var exitCode = RunInto(directory, (buffer, count) => output.Write(buffer, 0, count), arguments);
        return exitCode is { } code ? (code, output.ToArray()) : null;
    }

    /// <summary>
    /// Runs git and hands its standard output to <paramref name="consume"/> in chunks as it comes, so
    /// output of any size is never held whole; returns the exit code, or null when git cannot be started.
    /// </summary>
    public static int? RunInto(string directory, Action<byte[], int> consume, params string[] arguments)
    {
        var start = new ProcessStartInfo("git", Quote(["--no-pager", "-c", "core.quotepath=off", .. arguments]))
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        start.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_PAGER"] = "cat";
        start.Environment["LC_ALL"] = "C";

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var stderr = process.StandardError.ReadToEndAsync();
            var buffer = new byte[81920];
            int read;
            while ((read = process.StandardOutput.BaseStream.Read(buffer, 0, buffer.Length)) > 0)
            {
                consume(buffer, read);
            }

            process.WaitForExit();
            _ = stderr.Result;
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>One command line from <paramref name="arguments"/>, quoted the way .NET splits it again on every platform.</summary>
    internal static string Quote(IEnumerable<string> arguments)
    {
        var line = new StringBuilder();
        foreach (var argument in arguments)
        {
            if (line.Length > 0)
            {
                line.Append(' ');
            }

            if (argument.Length > 0 && argument.IndexOfAny([' ', '\t', '"', '\\']) < 0)
            {
                line.Append(argument);
                continue;
            }

            line.Append('"');
            var backslashes = 0;
            foreach (var c in argument)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }

                // Backslashes are literal unless they precede a quote: then each is doubled and the quote escaped.
                line.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
                backslashes = 0;
                line.Append(c);
            }

            line.Append('\\', backslashes * 2).Append('"');
        }

        return line.ToString();
    }
}
