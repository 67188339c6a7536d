using Serilog;
using Serilog.Configuration;
using Serilog.Events;

namespace Repro.Serilog;

/// <summary><c>.Enrich.WithRepro()</c> and <c>.WriteTo.Repro()</c> for Serilog's <see cref="LoggerConfiguration"/>.</summary>
public static class ReproLoggerConfigurationExtensions
{
    /// <summary>Adds the run id, step, rank and host of the active run to every event (see <see cref="ReproEnricher"/>).</summary>
    public static LoggerConfiguration WithRepro(this LoggerEnrichmentConfiguration enrichment)
    {
        ArgumentNullException.ThrowIfNull(enrichment);
        return enrichment.With(new ReproEnricher());
    }

    /// <summary>Records events in the active run as text events (see <see cref="ReproSink"/>).</summary>
    /// <param name="sinks">Serilog's sink configuration.</param>
    /// <param name="minimumLevel">The lowest level recorded (default Information).</param>
    public static LoggerConfiguration Repro(this LoggerSinkConfiguration sinks, LogEventLevel minimumLevel = LogEventLevel.Information)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        return sinks.Sink(new ReproSink(minimumLevel));
    }
}
