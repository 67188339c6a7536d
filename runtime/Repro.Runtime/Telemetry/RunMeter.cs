using System.Diagnostics.Metrics;
using Repro.Events;

namespace Repro.Telemetry;

/// <summary>
/// Publishes a run through <see cref="System.Diagnostics.Metrics"/> (meter <see cref="MeterName"/>), so any
/// OpenTelemetry exporter (Prometheus, OTLP) shows it live: the latest value and step of every metric, events
/// dropped, and the latest system telemetry sample. Everything is observable: values are read when a listener
/// collects, never pushed by the training thread, which keeps doing exactly what it does without publishing.
/// </summary>
internal sealed class RunMeter : IDisposable
{
    /// <summary>The meter's name, for <c>AddMeter</c>.</summary>
    public const string MeterName = "Repro";

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?>[] _runTags;
    private SystemTelemetry? _system;

    public RunMeter(string runId, int rank, Func<Runs.MetricSnapshot> metrics, Func<long> dropped)
    {
        _runTags = [new("repro.run_id", runId), new("repro.rank", rank)];
        _meter = new Meter(MeterName, typeof(RunMeter).Assembly.GetName().Version?.ToString());
        _meter.CreateObservableGauge("repro.metric.value", () => Each(metrics(), (snapshot, name) => snapshot.Values[name]), description: "The latest value of each metric of the run.");
        _meter.CreateObservableGauge("repro.metric.step", () => Each(metrics(), (snapshot, name) => snapshot.Steps[name]), unit: "{step}", description: "The step of each metric's latest value.");
        _meter.CreateObservableCounter("repro.events.dropped", () => new Measurement<long>(dropped(), _runTags), unit: "{event}", description: "Events the run's buffer dropped under its full policy.");
        _meter.CreateObservableGauge("repro.process.cpu", () => System(s => s.CpuPercent), unit: "%", description: "Process CPU use at the last telemetry sample.");
        _meter.CreateObservableGauge("repro.process.memory", () => System(s => (double)s.WorkingSetBytes), unit: "By", description: "Process working set at the last telemetry sample.");
        _meter.CreateObservableGauge("repro.gpu.utilization", GpuUtilization, unit: "%", description: "GPU utilization at the last telemetry sample.");
    }

    /// <summary>Keeps the latest system telemetry sample for the gauges (called on the sampler's timer, not by training code).</summary>
    public void Observe(SystemTelemetry sample) => Volatile.Write(ref _system, sample);

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<T>> Each<T>(Runs.MetricSnapshot snapshot, Func<Runs.MetricSnapshot, string, T> pick)
        where T : struct
    {
        foreach (var name in snapshot.Values.Keys)
        {
            yield return new Measurement<T>(pick(snapshot, name), [.. _runTags, new("repro.metric", name)]);
        }
    }

    private IEnumerable<Measurement<double>> System(Func<SystemTelemetry, double> pick)
    {
        if (Volatile.Read(ref _system) is { } sample)
        {
            yield return new Measurement<double>(pick(sample), _runTags);
        }
    }

    private IEnumerable<Measurement<double>> GpuUtilization()
    {
        foreach (var gpu in Volatile.Read(ref _system)?.Gpus ?? [])
        {
            yield return new Measurement<double>(gpu.UtilizationPercent, [.. _runTags, new("repro.gpu", gpu.Index)]);
        }
    }
}
