using System.Diagnostics;
using Repro.Alerts;
using Repro.Events;
using Repro.Runs;

namespace Repro;

/// <summary>Alerts: rules evaluated by the writer, delivered to the manifest, the log and the user's callback off its thread.</summary>
public sealed partial class Run
{
    private volatile AlertDispatcher? _alertDispatcher;
    private Action<AlertFired>? _onAlert;
    private volatile bool _alertsClosed;

    /// <summary>Alerts lost because the callback fell 256 behind (they are still in the log and counted in the manifest).</summary>
    public long DroppedAlerts => _alertDispatcher?.Dropped ?? 0;

    /// <summary>The evaluator for the writer, and the thread that delivers alerts; none when the run has no rules.</summary>
    private AlertEvaluator? StartAlerts(RunOptions options)
    {
        _onAlert = options.OnAlert;
        if (options.Alerts is not { Count: > 0 } rules)
        {
            return null;
        }

        _alertDispatcher = new AlertDispatcher(Deliver, _logger);
        return new AlertEvaluator(rules, Stopwatch.GetTimestamp());
    }

    /// <summary>On the writer thread, when a run without rules of its own meets a metric declaring some (<see cref="MetricAlerts"/>).</summary>
    private AlertEvaluator StartDeclaredAlerts()
    {
        _alertDispatcher ??= new AlertDispatcher(Deliver, _logger);
        return new AlertEvaluator([], Stopwatch.GetTimestamp());
    }

    /// <summary>On the writer thread: count the alert in the manifest's tally and queue it; never blocks.</summary>
    private void PostAlert(Event evt)
    {
        var alert = evt.Alert;
        _alertDispatcher!.Post(new AlertFired(Id.ToString(), alert.Rule, alert.Kind, alert.Metric.Length == 0 ? null : alert.Metric, evt.Step, alert.Value, alert.Threshold, alert.Message, evt.Sequence));
    }

    /// <summary>On the dispatcher's thread: log it, note it in the manifest, then call the user.</summary>
    private void Deliver(AlertFired alert)
    {
        if (_alertsClosed)
        {
            return; // the run ended while a callback hung: nothing more is written or called
        }

        Diagnostics.ReproLog.AlertFired(_logger, alert.Rule, alert.Message);
        _ = _manifest.Update(m => m with
        {
            AlertCount = m.AlertCount + 1,
            Alerts = m.Alerts.Count < RunManifest.MaxAlerts ? [.. m.Alerts, new AlertSummary(alert.Rule, alert.Kind, alert.Metric, alert.Step, alert.Sequence, alert.Message)] : m.Alerts,
        });
        _onAlert?.Invoke(alert);
    }

    /// <summary>At the end, once the writer has stopped: deliver what is queued, waiting up to two seconds for the callback.</summary>
    private void FinishAlerts()
    {
        if (_alertDispatcher is null)
        {
            return;
        }

        _alertDispatcher.Drain(TimeSpan.FromSeconds(2));
        _alertsClosed = true;
        _alertDispatcher.Dispose();
    }
}
