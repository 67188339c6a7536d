using System.Diagnostics;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Faults;

/// <summary>The crash-test child program, started for real, its output read line by line as it comes.</summary>
internal sealed class CrashChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _errors = [];
    private readonly TaskCompletionSource<string> _runId = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CrashChildProcess(params string[] args)
        : this(fileSizeLimitKib: null, args)
    {
    }

    /// <summary>
    /// Starts the child with a limit on the size of any file it writes (RLIMIT_FSIZE, through the
    /// shell's <c>ulimit -f</c>), SIGXFSZ ignored, so a write past it fails with EFBIG as a full disk would.
    /// </summary>
    public CrashChildProcess(int? fileSizeLimitKib, params string[] args)
    {
        var child = RepoPaths.Artifact("Repro.Runtime.CrashChild", "Repro.Runtime.CrashChild.dll");
        var start = new ProcessStartInfo(fileSizeLimitKib is null ? "dotnet" : "bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (fileSizeLimitKib is { } limit)
        {
            // The runtime's W^X double mapping sizes an in-memory file, which the limit would refuse at start-up.
            start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"trap '' XFSZ; ulimit -f {limit}; exec dotnet \"$0\" \"$@\"");
        }

        start.ArgumentList.Add(child);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("REPRO_HOME");
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash child");
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _runId.TrySetException(new InvalidOperationException("the child ended before printing its run id"));
                return;
            }

            lock (_lines)
            {
                _lines.Add(e.Data);
            }

            if (e.Data.StartsWith("RUN ", StringComparison.Ordinal))
            {
                _runId.TrySetResult(e.Data[4..]);
            }
        };
        _process.BeginOutputReadLine();
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.Add(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything the child printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Everything the child wrote to standard error so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public string WaitForRunId() =>
        _runId.Task.Wait(TimeSpan.FromSeconds(30)) ? _runId.Task.Result : throw new TimeoutException("no run id from the child");

    /// <summary>The highest step the child reported as acknowledged by Flush() so far.</summary>
    public long LastAcknowledged()
    {
        lock (_lines)
        {
            return _lines.Where(l => l.StartsWith("ACK ", StringComparison.Ordinal)).Select(l => long.Parse(l[4..], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max();
        }
    }

    /// <summary>SIGKILL: no finalizer, no exit hook, no flush runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            Kill();
            throw new TimeoutException("the child did not finish");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
