using System.Diagnostics;

namespace Repro.Cli;

/// <summary>What a child process (git, dotnet, the rerun program) did.</summary>
/// <param name="ExitCode">Its exit code; -1 when it could not be started.</param>
/// <param name="Output">Its standard output, as bytes.</param>
/// <param name="Error">Its standard error, or why it could not be started.</param>
internal sealed record ChildResult(int ExitCode, byte[] Output, string Error)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Output);
}

/// <summary>Starts the programs <c>repro verify</c> and <c>repro rerun</c> need, with arguments passed as a list (never through a shell).</summary>
internal static class ChildProcesses
{
    public static ChildResult Run(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null, TextWriter? echo = null)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = new System.Text.StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (error)
                    {
                        error.AppendLine(e.Data);
                        echo?.WriteLine(e.Data);
                    }
                }
            };
            process.BeginErrorReadLine();
            using var output = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            lock (error)
            {
                return new ChildResult(process.ExitCode, output.ToArray(), error.ToString());
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or DirectoryNotFoundException)
        {
            return new ChildResult(-1, [], $"{fileName} could not be run: {e.Message}");
        }
    }
}
