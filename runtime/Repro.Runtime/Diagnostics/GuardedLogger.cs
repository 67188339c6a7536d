using Microsoft.Extensions.Logging;

namespace Repro.Diagnostics;

/// <summary>
/// Wraps the application's logger so that an exception thrown by one of its providers never reaches
/// Repro's background threads: a broken log sink must not stop the run's writer, let alone training.
/// </summary>
internal sealed class GuardedLogger : ILogger
{
    private readonly ILogger _inner;

    private GuardedLogger(ILogger inner)
    {
        _inner = inner;
    }

    /// <summary>A guarded logger for <typeparamref name="T"/> from <paramref name="factory"/>, or the null logger.</summary>
    public static ILogger Create<T>(ILoggerFactory? factory)
    {
        if (factory is null)
        {
            return Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        }

        try
        {
            return new GuardedLogger(factory.CreateLogger(typeof(T).FullName ?? typeof(T).Name));
        }
#pragma warning disable CA1031 // A factory that cannot create a logger leaves Repro silent, not broken.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        try
        {
            return _inner.BeginScope(state);
        }
#pragma warning disable CA1031 // See the class remarks.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    public bool IsEnabled(LogLevel logLevel)
    {
        try
        {
            return _inner.IsEnabled(logLevel);
        }
#pragma warning disable CA1031 // See the class remarks.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            _inner.Log(logLevel, eventId, state, exception, formatter);
        }
#pragma warning disable CA1031 // See the class remarks.
        catch (Exception)
#pragma warning restore CA1031
        {
            // Dropped: the application's logging is broken, and Repro's record does not depend on it.
        }
    }
}
