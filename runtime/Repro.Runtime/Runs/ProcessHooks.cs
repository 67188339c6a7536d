namespace Repro.Runs;

/// <summary>
/// Ends a run that the program did not end: failed on an unhandled exception, and at process exit
/// finished for exit code 0 or failed otherwise (<see cref="RunOptions.HookProcessEvents"/>).
/// </summary>
internal sealed class ProcessHooks : IDisposable
{
    private readonly UnhandledExceptionEventHandler _onUnhandled;
    private readonly EventHandler _onExit;

    public ProcessHooks(Action<Exception?> endQuietly)
    {
        _onUnhandled = (_, e) => endQuietly(e.ExceptionObject as Exception ?? new InvalidOperationException("Unhandled non-exception object."));
        _onExit = (_, _) => endQuietly(Environment.ExitCode == 0 ? null : new InvalidOperationException($"The process exited with code {Environment.ExitCode} before the run was finished."));
        AppDomain.CurrentDomain.UnhandledException += _onUnhandled;
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.UnhandledException -= _onUnhandled;
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
    }
}
