using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Repro.Alerts;

/// <summary>
/// Hands alerts to the user's callback and to the manifest on a thread of its own, in order, so the writer never
/// waits for them: the writer only adds to a bounded queue, and an alert that finds it full (a callback that hangs) is
/// dropped and counted. A callback that throws is logged and the next alert still comes.
/// </summary>
internal sealed class AlertDispatcher : IDisposable
{
    /// <summary>Alerts that may wait for the callback.</summary>
    public const int Capacity = 256;

    private readonly BlockingCollection<AlertFired> _queue = new(Capacity);
    private readonly Action<AlertFired> _deliver;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private long _dropped;

    /// <param name="deliver">Called for each alert on the dispatcher's thread (the user's callback and the manifest's note).</param>
    /// <param name="logger">Where failed callbacks are reported.</param>
    public AlertDispatcher(Action<AlertFired> deliver, ILogger logger)
    {
        _deliver = deliver;
        _logger = logger;
        _thread = new Thread(Loop) { IsBackground = true, Name = "Repro alerts" };
        _thread.Start();
    }

    /// <summary>Alerts dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues an alert; never blocks.</summary>
    public void Post(AlertFired alert)
    {
        try
        {
            if (!_queue.TryAdd(alert))
            {
                Interlocked.Increment(ref _dropped);
            }
        }
        catch (InvalidOperationException)
        {
            Interlocked.Increment(ref _dropped); // the run is ending
        }
    }

    /// <summary>
    /// Delivers what is queued, waiting at most <paramref name="grace"/>; a callback still running then is left to
    /// finish on its own (its thread does not keep the process alive).
    /// </summary>
    public bool Drain(TimeSpan grace)
    {
        _queue.CompleteAdding();
        var done = _thread.Join(grace);
        if (!done)
        {
            Diagnostics.ReproLog.AlertCallbackAbandoned(_logger, grace.TotalSeconds);
        }

        return done;
    }

    public void Dispose()
    {
        if (!_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
        }

        if (!_thread.IsAlive)
        {
            _queue.Dispose();
        }
    }

    private void Loop()
    {
        foreach (var alert in _queue.GetConsumingEnumerable())
        {
            try
            {
                _deliver(alert);
            }
#pragma warning disable CA1031 // A user's callback may throw anything; the run and the next alerts go on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Diagnostics.ReproLog.AlertCallbackFailed(_logger, alert.Rule, e);
            }
        }
    }
}
