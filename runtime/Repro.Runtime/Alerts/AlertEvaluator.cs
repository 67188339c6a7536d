using System.Diagnostics;
using System.Globalization;
using Repro.Events;
using Repro.Pipeline;

namespace Repro.Alerts;

/// <summary>
/// Evaluates a run's alert rules on the writer thread, on the scalars of each pass before they are written: a metric
/// without rules costs one array read a value. Firings come back as <c>alert</c> events for the writer to append in
/// the same pass. A rule fires once per episode and re-arms once its condition stops holding.
/// </summary>
internal sealed class AlertEvaluator
{
    private readonly Dictionary<string, List<RuleState>> _byName = new(StringComparer.Ordinal);
    private readonly List<RuleState> _stalls = [];
    private readonly List<RuleState> _anyMetricStalls = [];
    private readonly List<RuleState> _failures = [];
    private readonly List<SpikeWindow> _windows = [];
    private RuleState[]?[] _byMetric = new RuleState[]?[16];
    private bool[] _integer = new bool[16];
    private long _lastAnyStep = long.MinValue;

    public AlertEvaluator(IReadOnlyList<AlertRule> rules, long startTicks)
    {
        foreach (var rule in rules)
        {
            Add(rule, startTicks);
        }
    }

    private void Add(AlertRule rule, long startTicks)
    {
        var state = new RuleState(rule, startTicks);
        if (state.Window is { } window)
        {
            _windows.Add(window);
        }

        switch (rule.Kind)
        {
            case AlertKind.Failed:
                _failures.Add(state);
                break;
            case AlertKind.Stall when rule.Metric is null:
                _stalls.Add(state);
                _anyMetricStalls.Add(state);
                break;
            default:
                if (rule.Kind == AlertKind.Stall)
                {
                    _stalls.Add(state);
                }

                if (!_byName.TryGetValue(rule.Metric!, out var list))
                {
                    _byName[rule.Metric!] = list = [];
                }

                list.Add(state);
                break;
        }
    }

    /// <summary>Connects the rules on metric <paramref name="name"/> to its id, once the writer first sees it.</summary>
    /// <param name="id">The metric's id.</param>
    /// <param name="name">Its name.</param>
    /// <param name="isInteger">Whether its values travel as the bits of 64-bit integers.</param>
    /// <param name="declared">The rules the metric's declaration carries (<see cref="MetricAlerts"/>), watched from now on; a rule the run's options already name is not added twice.</param>
    /// <param name="nowTicks">The time now, from which a declared stall rule counts.</param>
    public void Declare(int id, string name, bool isInteger, IReadOnlyList<AlertRule>? declared = null, long nowTicks = 0)
    {
        foreach (var rule in declared ?? [])
        {
            if (!_byName.TryGetValue(name, out var existing) || !existing.Exists(s => s.Rule == rule))
            {
                Add(rule, nowTicks);
            }
        }

        if (!_byName.TryGetValue(name, out var states))
        {
            return;
        }

        if (id >= _byMetric.Length)
        {
            Array.Resize(ref _byMetric, Math.Max(id + 1, _byMetric.Length * 2));
            Array.Resize(ref _integer, _byMetric.Length);
        }

        _byMetric[id] = [.. states];
        _integer[id] = isInteger;
    }

    /// <summary>Evaluates the rules on <paramref name="entries"/>, in log order, adding an event for each firing.</summary>
    public void Evaluate(ReadOnlySpan<ScalarEntry> entries, List<Event> fired)
    {
        var byMetric = _byMetric;
        foreach (var window in _windows)
        {
            window.BeginPass();
        }

        foreach (ref readonly var entry in entries)
        {
            if (_anyMetricStalls.Count > 0 && entry.Step > _lastAnyStep)
            {
                _lastAnyStep = entry.Step;
                foreach (var stall in _anyMetricStalls)
                {
                    stall.Advance(entry.Step, entry.Timestamp);
                }
            }

            if ((uint)entry.MetricId >= (uint)byMetric.Length || byMetric[entry.MetricId] is not { } states)
            {
                continue;
            }

            var value = _integer[entry.MetricId] ? BitConverter.DoubleToInt64Bits(entry.Value) : entry.Value;
            foreach (var state in states)
            {
                Evaluate(state, entry, value, fired);
            }
        }
    }

    /// <summary>Checks the stall rules against the time now; the writer calls it on every pass, busy or idle.</summary>
    public void Tick(long nowTicks, List<Event> fired)
    {
        foreach (var state in _stalls)
        {
            var idle = Stopwatch.GetElapsedTime(state.LastAdvanceTicks, nowTicks);
            if (!state.Firing && idle > state.Rule.After)
            {
                state.Firing = true;
                fired.Add(Alert(state.Rule, "stall", state.LastStep == long.MinValue ? 0 : state.LastStep, idle.TotalSeconds, state.Rule.After.TotalSeconds,
                    string.Create(CultureInfo.InvariantCulture, $"{state.Rule.Metric ?? "no metric"} has logged no new step for {idle.TotalSeconds:0.#} s{(state.LastStep == long.MinValue ? "" : $" (the last was step {state.LastStep})")}.")));
            }
        }
    }

    /// <summary>Fires the failure rules when <paramref name="lifecycle"/> says the run failed.</summary>
    public void OnLifecycle(Event lifecycle, List<Event> fired)
    {
        if (lifecycle.Lifecycle?.Kind != Lifecycle.Types.Kind.Failed || _failures.Count == 0)
        {
            return;
        }

        var message = lifecycle.Lifecycle.Message;
        var outOfMemory = message.Contains("OutOfMemory", StringComparison.Ordinal) || message.Contains("out of memory", StringComparison.OrdinalIgnoreCase);
        foreach (var state in _failures)
        {
            fired.Add(Alert(state.Rule, outOfMemory ? "out_of_memory" : "failed", lifecycle.Step, double.NaN, double.NaN,
                outOfMemory ? $"The run ran out of memory: {message}" : $"The run failed: {message}"));
        }
    }

    private static void Evaluate(RuleState state, in ScalarEntry entry, double value, List<Event> fired)
    {
        var rule = state.Rule;
        bool holds;
        double bound;
        switch (rule.Kind)
        {
            case AlertKind.NotFinite:
                holds = !double.IsFinite(value);
                bound = double.NaN;
                break;
            case AlertKind.Above:
                holds = value > rule.Threshold;
                bound = rule.Threshold;
                break;
            case AlertKind.Below:
                holds = value < rule.Threshold;
                bound = rule.Threshold;
                break;
            case AlertKind.Spike:
                if (!double.IsFinite(value))
                {
                    return; // NaN and infinities are not-finite alerts' business, and would poison the window
                }

                holds = state.Window!.DistanceThenAdd(value, out bound, rule.Sigmas) > rule.Sigmas;
                break;
            case AlertKind.Stall:
                state.Advance(entry.Step, entry.Timestamp);
                return;
            default:
                return;
        }

        if (!holds)
        {
            state.Firing = false;
            return;
        }

        if (state.Firing)
        {
            return;
        }

        state.Firing = true;
        var kind = rule.Kind switch { AlertKind.NotFinite => "not_finite", AlertKind.Above => "above", AlertKind.Below => "below", _ => "spike" };
        var text = rule.Kind switch
        {
            AlertKind.NotFinite => $"{rule.Metric} is {Format(value)} at step {entry.Step}.",
            AlertKind.Spike => $"{rule.Metric} is {Format(value)} at step {entry.Step}, more than {Format(rule.Sigmas)} robust standard deviations from the median of its last {rule.Window} values (bound {Format(bound)}).",
            _ => $"{rule.Metric} is {Format(value)} at step {entry.Step}, {kind} {Format(rule.Threshold)}.",
        };
        fired.Add(Alert(rule, kind, entry.Step, value, bound, text));
    }

    private static Event Alert(AlertRule rule, string kind, long step, double value, double threshold, string message) => new()
    {
        Name = rule.Name,
        Step = step,
        Alert = new Events.Alert { Rule = rule.Name, Kind = kind, Metric = rule.Metric ?? string.Empty, Value = value, Threshold = threshold, Message = message },
    };

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class RuleState(AlertRule rule, long startTicks)
    {
        public AlertRule Rule { get; } = rule;

        public bool Firing { get; set; }

        public long LastStep { get; private set; } = long.MinValue;

        public long LastAdvanceTicks { get; private set; } = startTicks;

        public SpikeWindow? Window { get; } = rule.Kind == AlertKind.Spike ? new SpikeWindow(rule.Window) : null;

        /// <summary>A stall rule re-arms on a new step.</summary>
        public void Advance(long step, long ticks)
        {
            if (step > LastStep)
            {
                LastStep = step;
                LastAdvanceTicks = ticks;
                Firing = false;
            }
        }
    }
}
