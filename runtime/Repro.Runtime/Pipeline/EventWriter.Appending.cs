using System.Diagnostics;
using Repro.Events;

namespace Repro.Pipeline;

// What a pass appends besides control events: scalars with the declarations they need, summaries, alerts, drop reports.
internal sealed partial class EventWriter
{
    private void ReportDropsIfChanged(bool final)
    {
        var dropped = _lanes.Dropped;
        if (dropped == _droppedReported)
        {
            return;
        }

        // Under sustained overload, one report a second is enough; the final total is always written.
        var now = Stopwatch.GetTimestamp();
        if (!final && _droppedReported != 0 && Stopwatch.GetElapsedTime(_lastDropReportTicks, now) < TimeSpan.FromSeconds(1))
        {
            return;
        }

        Diagnostics.ReproLog.EventsDropped(_logger, dropped, _options.FullPolicy);
        _records.AppendEvent(new Event
        {
            Name = "events_dropped",
            Dropped = new EventsDropped { Total = (ulong)dropped, Policy = _options.FullPolicy.ToString() },
        }, now);
        _droppedReported = dropped;
        _lastDropReportTicks = now;
    }

    private void AppendScalars(int count)
    {
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            if (_metricStates.DeclareIfNew(_batch[i].MetricId) is { } declaration)
            {
                _records.AppendEvent(declaration, _batch[i].Timestamp);
                DeclareAlerts(_batch[i].MetricId, declaration, now);
            }
        }

        // Before the aggregators fold values away: rules see every value logged.
        _alerts?.Evaluate(_batch.AsSpan(0, count), _fired);

        count = _metricStates.Process(_batch.AsSpan(0, count), _summaries);
        if (count > 0)
        {
            _records.AppendScalars(_batch.AsSpan(0, count));
        }

        foreach (var summary in _summaries)
        {
            _records.AppendEvent(summary, now);
        }

        _summaries.Clear();
        AppendAlerts(now); // after the values that fired them, in the same pass
    }

    /// <summary>Writes the alerts fired so far and hands each, numbered, to the run.</summary>
    private void DeclareAlerts(int metricId, Event declaration, long now)
    {
        var declared = _metrics.Get(metricId).Options.Alerts is { IsEmpty: false } alerts ? alerts.RulesFor(declaration.Name) : null;
        if (declared is not null && _alerts is null)
        {
            _alerts = _startAlerts?.Invoke();
        }

        _alerts?.Declare(metricId, declaration.Name, declaration.MetricDeclared.ValueType is 2 or 3, declared, now);
    }

    private void AppendAlerts(long ticks)
    {
        if (_fired.Count == 0)
        {
            return;
        }

        foreach (var alert in _fired)
        {
            _records.AppendEvent(alert, ticks);
            try
            {
                _onAlert?.Invoke(alert);
            }
#pragma warning disable CA1031 // The run's hand-off only queues; whatever it throws must not stop the writer.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Diagnostics.ReproLog.WriterFailed(_logger, e);
            }
        }

        _fired.Clear();
    }

    private void AppendOpenSummaries()
    {
        foreach (var summary in _metricStates.TakeOpenSummaries())
        {
            _records.AppendEvent(summary, Stopwatch.GetTimestamp());
        }
    }
}
