namespace Repro;

/// <summary>Feature distributions: one sketch per feature per step, for drift against another run.</summary>
public sealed partial class Run
{
    /// <summary>
    /// Records one example's features (or outputs) into the set's sketches at <paramref name="step"/>: for a training
    /// baseline any step (0, or the epoch), for a serving run <see cref="FeatureSet.DayOf"/>. Allocation-free and
    /// lock-free, like <see cref="LogScalar"/>; NaN values are counted apart from the sketch.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not hold one value per feature.</exception>
    public void LogFeatures(FeatureSet features, long step, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(features);
        var metrics = features.Metrics;
        if (values.Length != metrics.Length)
        {
            throw new ArgumentException($"The feature set has {metrics.Length} features; {values.Length} values were given.", nameof(values));
        }

        for (var i = 0; i < metrics.Length; i++)
        {
            LogScalar(metrics[i], step, values[i]);
        }
    }
}
