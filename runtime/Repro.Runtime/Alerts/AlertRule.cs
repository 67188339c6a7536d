using System.Globalization;

namespace Repro.Alerts;

/// <summary>What an <see cref="AlertRule"/> watches for.</summary>
public enum AlertKind
{
    /// <summary>A value of the metric is NaN or infinite.</summary>
    NotFinite,

    /// <summary>A value of the metric is above the threshold.</summary>
    Above,

    /// <summary>A value of the metric is below the threshold.</summary>
    Below,

    /// <summary>A value lies more than k robust standard deviations (1.4826 × the median absolute deviation) from the median of the metric's trailing window.</summary>
    Spike,

    /// <summary>No new step (of the metric, or of any metric) for a time.</summary>
    Stall,

    /// <summary>The run failed; the alert's kind is <c>out_of_memory</c> when it ran out of memory (host or CUDA).</summary>
    Failed,
}

/// <summary>
/// A rule evaluated while the run is going (<see cref="RunOptions.Alerts"/>), by the writer thread on the values it
/// writes, so it costs the logging call nothing. Each firing is an <c>alert</c> event in the log, a line in the
/// manifest (<c>repro runs show</c>) and a call of <see cref="RunOptions.OnAlert"/> on a thread of its own. A rule
/// fires once per episode: again only after its condition has stopped holding. Format: <c>docs/alerts.md</c>.
/// </summary>
public sealed record AlertRule
{
    private AlertRule(AlertKind kind, string? metric)
    {
        Kind = kind;
        Metric = metric;
    }

    /// <summary>What the rule watches for.</summary>
    public AlertKind Kind { get; }

    /// <summary>The metric watched; null for the whole run (<see cref="AlertKind.Stall"/> of any metric, <see cref="AlertKind.Failed"/>).</summary>
    public string? Metric { get; }

    /// <summary>The limit of <see cref="AlertKind.Above"/> and <see cref="AlertKind.Below"/>.</summary>
    public double Threshold { get; private init; }

    /// <summary>How many robust standard deviations make a <see cref="AlertKind.Spike"/>.</summary>
    public double Sigmas { get; private init; }

    /// <summary>How many trailing values a <see cref="AlertKind.Spike"/> rule compares against.</summary>
    public int Window { get; private init; }

    /// <summary>How long without a new step makes a <see cref="AlertKind.Stall"/>.</summary>
    public TimeSpan After { get; private init; }

    /// <summary>The rule in words, as alerts name it: "loss above 10", "loss spike of 6 sigma over 100 values".</summary>
    public string Name => Kind switch
    {
        AlertKind.NotFinite => $"{Metric} not finite",
        AlertKind.Above => string.Create(CultureInfo.InvariantCulture, $"{Metric} above {Threshold:R}"),
        AlertKind.Below => string.Create(CultureInfo.InvariantCulture, $"{Metric} below {Threshold:R}"),
        AlertKind.Spike => string.Create(CultureInfo.InvariantCulture, $"{Metric} spike of {Sigmas:R} sigma over {Window} values"),
        AlertKind.Stall => string.Create(CultureInfo.InvariantCulture, $"{Metric ?? "any metric"} stalled {After.TotalSeconds:0.###} s"),
        _ => "run failed",
    };

    /// <summary>Fires when a value of <paramref name="metric"/> is NaN or infinite.</summary>
    public static AlertRule NotFinite(string metric) => new(AlertKind.NotFinite, Checked(metric));

    /// <summary>Fires when a value of <paramref name="metric"/> is above <paramref name="threshold"/>.</summary>
    public static AlertRule Above(string metric, double threshold) => new(AlertKind.Above, Checked(metric)) { Threshold = Finite(threshold) };

    /// <summary>Fires when a value of <paramref name="metric"/> is below <paramref name="threshold"/>.</summary>
    public static AlertRule Below(string metric, double threshold) => new(AlertKind.Below, Checked(metric)) { Threshold = Finite(threshold) };

    /// <summary>
    /// Fires when a value of <paramref name="metric"/> lies more than <paramref name="sigmas"/> robust standard
    /// deviations from the median of its last <paramref name="window"/> values (once the window is half full).
    /// </summary>
    public static AlertRule Spike(string metric, double sigmas = 6, int window = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sigmas, 0);
        if (!double.IsFinite(sigmas))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmas), sigmas, "sigmas must be finite.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(window, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, 100_000);
        return new(AlertKind.Spike, Checked(metric)) { Sigmas = sigmas, Window = window };
    }

    /// <summary>Fires when <paramref name="metric"/> (any metric when null) has logged no new step for <paramref name="after"/>.</summary>
    public static AlertRule Stall(TimeSpan after, string? metric = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(after, TimeSpan.Zero);
        return new(AlertKind.Stall, metric is null ? null : Checked(metric)) { After = after };
    }

    /// <summary>Fires when the run fails; its kind is <c>out_of_memory</c> when the failure was running out of memory.</summary>
    public static AlertRule RunFailed() => new(AlertKind.Failed, null);

    private static string Checked(string metric)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        return metric;
    }

    private static double Finite(double threshold) =>
        double.IsFinite(threshold) ? threshold : throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "An alert threshold must be finite.");
}
