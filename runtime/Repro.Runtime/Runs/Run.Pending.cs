using Repro.Events;

namespace Repro;

/// <summary>Values logged before their numbers are known (see <see cref="IPendingMetricValues"/>).</summary>
public sealed partial class Run
{
    /// <summary>
    /// How long a flush or the run's end waits for pending values: a device that has not produced a logged value
    /// within it is treated as stuck rather than waited on for ever.
    /// </summary>
    internal static readonly TimeSpan PendingValuesTimeout = TimeSpan.FromSeconds(60);

    private readonly List<IPendingMetricValues> _pendingSources = [];

    /// <summary>
    /// Registers a source of values logged before their numbers are known: <see cref="Flush"/> and
    /// <see cref="FlushDurable"/> resolve its values first, and the run's end resolves them before its last event
    /// and records, as a warning, how many it had to give up.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public void AddPendingValues(IPendingMetricValues source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ThrowIfEnded();
        lock (_pendingSources)
        {
            if (!_pendingSources.Contains(source))
            {
                _pendingSources.Add(source);
            }
        }
    }

    private IPendingMetricValues[] PendingSources()
    {
        lock (_pendingSources)
        {
            return [.. _pendingSources];
        }
    }

    private void ResolvePendingValues()
    {
        foreach (var source in PendingSources())
        {
            _ = source.ResolvePending(PendingValuesTimeout);
        }
    }

    /// <summary>At the end: resolves what can be, and says in the run how many values were given up.</summary>
    private void EndPendingValues()
    {
        long abandoned = 0;
        foreach (var source in PendingSources())
        {
            _ = source.ResolvePending(PendingValuesTimeout);
            abandoned += source.Abandon();
        }

        if (abandoned > 0 && !_writerFailed)
        {
            _writer.EnqueueEvent(new Event
            {
                Name = "text",
                Step = LatestStep,
                Text = new Text
                {
                    Level = Text.Types.Level.Warning,
                    Message = $"{abandoned} logged metric value(s) never came back from their device (still being computed when the run ended, or failed there) and are not recorded.",
                },
            });
        }
    }
}
