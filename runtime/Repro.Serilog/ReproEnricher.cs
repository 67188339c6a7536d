using Serilog.Core;
using Serilog.Events;

namespace Repro.Serilog;

/// <summary>
/// Adds to every log event, while a run is active in the process: <c>ReproRunId</c>, <c>ReproStep</c> (the latest
/// step any metric was logged at), <c>ReproRank</c> and <c>ReproHost</c>. Outside a run it adds nothing. Properties
/// the event already has are left as they are.
/// </summary>
public sealed class ReproEnricher : ILogEventEnricher
{
    /// <summary>The name of the run id property.</summary>
    public const string RunIdProperty = "ReproRunId";

    /// <summary>The name of the step property.</summary>
    public const string StepProperty = "ReproStep";

    /// <summary>The name of the rank property.</summary>
    public const string RankProperty = "ReproRank";

    /// <summary>The name of the host property.</summary>
    public const string HostProperty = "ReproHost";

    /// <inheritdoc />
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(propertyFactory);
        if (Run.Current is not { } run)
        {
            return;
        }

        var environment = run.Manifest.Environment;
        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(RunIdProperty, run.Id.ToString()));
        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(StepProperty, run.LatestStep));
        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(RankProperty, environment.Rank));
        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(HostProperty, environment.Host));
    }
}
