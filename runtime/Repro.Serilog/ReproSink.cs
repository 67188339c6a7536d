using System.Globalization;
using Repro.Events;
using Serilog.Core;
using Serilog.Events;

namespace Repro.Serilog;

/// <summary>
/// Records Serilog events in the active run as text events (docs/formats/events.md): the level, the rendered
/// message (with the exception's type and message when there is one), and the properties as tags — all redacted
/// like everything Repro writes. Values are rendered in the invariant culture, so the record reads the same on every
/// machine. Events below <see cref="MinimumLevel"/>, and events while no run is active or after
/// it ended, are left out; the sink never throws into the application.
/// </summary>
public sealed class ReproSink : ILogEventSink
{
    private static readonly IFormatProvider s_invariant = CultureInfo.InvariantCulture;

    /// <summary>A sink recording events at <paramref name="minimumLevel"/> and above.</summary>
    /// <param name="minimumLevel">The lowest level recorded (default Information: debug chatter stays out of the run's record).</param>
    public ReproSink(LogEventLevel minimumLevel = LogEventLevel.Information)
    {
        MinimumLevel = minimumLevel;
    }

    /// <summary>The lowest level recorded.</summary>
    public LogEventLevel MinimumLevel { get; }

    /// <summary>Events that arrived while no run was active, or after it ended, and were not recorded.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    private long _skipped;

    /// <inheritdoc />
    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        if (logEvent.Level < MinimumLevel)
        {
            return;
        }

        if (Run.Current is not { } run)
        {
            Interlocked.Increment(ref _skipped);
            return;
        }

        // A property whose name says secret is masked before the message is rendered, or its value would reach the
        // text through the template ("Token {ApiToken} loaded") where no pattern could recognise it.
        var properties = logEvent.Properties.ToDictionary(
            p => p.Key,
            p => Security.SecretRedactor.IsSecretName(p.Key) ? new ScalarValue(Security.SecretRedactor.Mask) : p.Value,
            StringComparer.Ordinal);
        var message = logEvent.MessageTemplate.Render(properties, s_invariant);
        if (logEvent.Exception is { } exception)
        {
            message += $" ({exception.GetType().FullName}: {exception.Message})";
        }

        var tags = new Dictionary<string, string>(logEvent.Properties.Count, StringComparer.Ordinal);
        foreach (var (name, value) in properties)
        {
            if (name is not (ReproEnricher.RunIdProperty or ReproEnricher.StepProperty))
            {
                tags[name] = value is ScalarValue { Value: string text } ? text : value.ToString(null, s_invariant);
            }
        }

        var step = logEvent.Properties.TryGetValue(ReproEnricher.StepProperty, out var recorded) && recorded is ScalarValue { Value: long enrichedStep } ? enrichedStep : run.LatestStep;
        try
        {
            run.LogText(message, Level(logEvent.Level), step, tags);
        }
        catch (InvalidOperationException)
        {
            // The run ended between the check and the write: the line belongs to no run.
            Interlocked.Increment(ref _skipped);
        }
    }

    private static Text.Types.Level Level(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => Text.Types.Level.Trace,
        LogEventLevel.Debug => Text.Types.Level.Debug,
        LogEventLevel.Information => Text.Types.Level.Information,
        LogEventLevel.Warning => Text.Types.Level.Warning,
        LogEventLevel.Error => Text.Types.Level.Error,
        _ => Text.Types.Level.Critical,
    };
}
