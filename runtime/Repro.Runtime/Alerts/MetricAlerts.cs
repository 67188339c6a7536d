namespace Repro.Alerts;

/// <summary>
/// Alert rules declared with a metric (<see cref="MetricOptions.Alerts"/>, or the <c>Alert…</c> settings of
/// <c>[Metric]</c>): they watch that metric in every run it is logged to, as if the run's
/// <see cref="RunOptions.Alerts"/> named them, from the first value on. Unset settings declare no rule.
/// </summary>
public sealed record MetricAlerts
{
    /// <summary>Fire on a NaN or infinite value.</summary>
    public bool NotFinite { get; init; }

    /// <summary>Fire on a value above this (finite); null for none.</summary>
    public double? Above { get; init; }

    /// <summary>Fire on a value below this (finite); null for none.</summary>
    public double? Below { get; init; }

    /// <summary>Fire on a value more than this many robust standard deviations from its window's median; null for none.</summary>
    public double? SpikeSigmas { get; init; }

    /// <summary>How many trailing values <see cref="SpikeSigmas"/> compares against (8 to 100,000). Default 100.</summary>
    public int SpikeWindow { get; init; } = 100;

    /// <summary>Fire when the metric has logged no new step for this long; null for none.</summary>
    public TimeSpan? StallAfter { get; init; }

    /// <summary>Whether no rule is declared.</summary>
    public bool IsEmpty => !NotFinite && Above is null && Below is null && SpikeSigmas is null && StallAfter is null;

    /// <summary>The rules these settings declare on <paramref name="metric"/>, in a fixed order.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public IReadOnlyList<AlertRule> RulesFor(string metric)
    {
        var rules = new List<AlertRule>(5);
        if (NotFinite)
        {
            rules.Add(AlertRule.NotFinite(metric));
        }

        if (Above is { } above)
        {
            rules.Add(AlertRule.Above(metric, above));
        }

        if (Below is { } below)
        {
            rules.Add(AlertRule.Below(metric, below));
        }

        if (SpikeSigmas is { } sigmas)
        {
            rules.Add(AlertRule.Spike(metric, sigmas, SpikeWindow));
        }

        if (StallAfter is { } after)
        {
            rules.Add(AlertRule.Stall(after, metric));
        }

        return rules;
    }

    /// <summary>Checks every setting once, when the metric is declared, so logging never has to.</summary>
    internal void Validate(string metric)
    {
        try
        {
            _ = RulesFor(metric);
            if (SpikeSigmas is null && SpikeWindow != 100)
            {
                throw new ArgumentException("SpikeWindow is set but SpikeSigmas is not.");
            }

            if (Below >= Above)
            {
                throw new ArgumentException($"Below ({Below}) is not below Above ({Above}), so every value would fire one of them.");
            }
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Metric '{metric}': invalid alert setting: {e.Message}", e);
        }
    }
}
