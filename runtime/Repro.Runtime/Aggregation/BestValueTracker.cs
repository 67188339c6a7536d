using Repro.Runs;

namespace Repro.Aggregation;

/// <summary>Keeps the best value per metric with a goal; the writer feeds it, recovery replays into it.</summary>
internal sealed class BestValueTracker
{
    private readonly SortedDictionary<string, BestValue> _best = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, BestValue> Best => _best;

    /// <summary>Offers a value; NaN and values no better than the best so far are ignored (the first step wins ties).</summary>
    public void Offer(string metric, MetricGoal goal, long step, double value)
    {
        if (goal == MetricGoal.None || double.IsNaN(value))
        {
            return;
        }

        if (!_best.TryGetValue(metric, out var best)
            || (goal == MetricGoal.Minimize ? value < best.Value : value > best.Value))
        {
            _best[metric] = new BestValue(value, step, goal == MetricGoal.Minimize ? "minimize" : "maximize");
        }
    }
}
