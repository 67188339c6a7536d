using Repro.Aggregation;
using Repro.Events;

namespace Repro.Pipeline;

/// <summary>
/// What the writer thread knows about each metric of the run: whether the log has declared it, its
/// aggregator, goal and value type. Owned by the writer thread alone, so nothing here is locked.
/// </summary>
internal sealed class WriterMetrics
{
    private readonly MetricRegistry _registry;
    private readonly BestValueTracker _best = new();
    private State?[] _states = new State?[16];
    private bool _anyAggregation;
    private bool _anyGoal;

    public WriterMetrics(MetricRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>Best values of metrics with a goal.</summary>
    public IReadOnlyDictionary<string, Runs.BestValue> Best => _best.Best;

    /// <summary>The metric's declaration event when the log has not declared it yet, else null.</summary>
    public Event? DeclareIfNew(int id)
    {
        if (id < _states.Length && _states[id] is not null)
        {
            return null;
        }

        if (id >= _states.Length)
        {
            Array.Resize(ref _states, Math.Max(id + 1, _states.Length * 2));
        }

        var metric = _registry.Get(id);
        var state = new State(metric.Name, MetricAggregator.For(metric), metric.Options.Goal, metric.IsInteger);
        _states[id] = state;
        _anyAggregation |= state.Aggregator is not null;
        _anyGoal |= state.Goal != MetricGoal.None;

        var evt = new Event
        {
            Name = metric.Name,
            MetricDeclared = new MetricDeclared { MetricId = (uint)id, Unit = metric.Unit ?? string.Empty, Goal = (int)metric.Options.Goal, ValueType = (int)metric.ValueType },
        };
        foreach (var (key, value) in metric.Tags)
        {
            evt.Tags.Add(key, value);
        }

        return evt;
    }

    /// <summary>
    /// Offers the batch's values to goals and aggregators, adds closed intervals' summaries to
    /// <paramref name="summaries"/>, and compacts the batch to the values that are recorded. Returns their count.
    /// </summary>
    public int Process(Span<ScalarEntry> batch, List<Event> summaries)
    {
        if (!_anyGoal && !_anyAggregation)
        {
            return batch.Length;
        }

        var kept = 0;
        foreach (ref readonly var entry in batch)
        {
            var state = _states[entry.MetricId]!;
            var value = state.IsInteger ? BitConverter.DoubleToInt64Bits(entry.Value) : entry.Value; // integers travel as bits
            if (state.Goal != MetricGoal.None)
            {
                _best.Offer(state.Name, state.Goal, entry.Step, value);
            }

            if (state.Aggregator is { } aggregator)
            {
                if (aggregator.Add(entry.Step, value, BitConverter.DoubleToInt64Bits(entry.Value)) is { } summary)
                {
                    summaries.Add(summary);
                }

                if (!aggregator.RecordValues)
                {
                    continue;
                }
            }

            batch[kept++] = entry;
        }

        return kept;
    }

    /// <summary>Whether any metric is summarised (so flushes must snapshot open intervals).</summary>
    public bool AnyAggregation => _anyAggregation;

    /// <summary>Snapshots of every open interval that changed since its last snapshot (see <see cref="MetricAggregator.Snapshot"/>).</summary>
    public IEnumerable<Event> SnapshotOpenIntervals()
    {
        foreach (var state in _states)
        {
            if (state?.Aggregator?.Snapshot() is { } snapshot)
            {
                yield return snapshot;
            }
        }
    }

    /// <summary>Closes every open interval and returns its summary.</summary>
    public IEnumerable<Event> TakeOpenSummaries()
    {
        foreach (var state in _states)
        {
            if (state?.Aggregator?.TakeSummary() is { } summary)
            {
                yield return summary;
            }
        }
    }

    private sealed record State(string Name, MetricAggregator? Aggregator, MetricGoal Goal, bool IsInteger);
}
