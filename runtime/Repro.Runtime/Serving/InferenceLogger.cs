using System.Globalization;
using Repro.Events;

namespace Repro.Serving;

/// <summary>
/// Per-request telemetry of a serving process, into a Repro run: the latency and every output and input feature go
/// into per-day sketches that always hold every request (<c>serving/latency_s</c>, <c>outputs/…</c>,
/// <c>features/…</c>, so <c>repro drift</c> compares them with the training run); one request in
/// <see cref="InferenceLoggerOptions.SampleEvery"/>, and a uniform reservoir of
/// <see cref="InferenceLoggerOptions.ReservoirSize"/> per day, are kept as examples whose feature values are keyed
/// pseudonyms. The model's identity is recorded once. <see cref="Record"/> is safe from any number of threads; it
/// allocates nothing except for the rare request it samples, and takes no lock except once a day, when the first
/// request of a new day writes out the last day's reservoir. Format: <c>docs/serving.md</c>.
/// </summary>
public sealed class InferenceLogger : IDisposable
{
    /// <summary>The metric of request latencies, in seconds.</summary>
    public static readonly MetricDeclaration Latency = new("serving/latency_s", unit: "s", options: new MetricOptions { Aggregation = MetricAggregation.Sketch, RecordValues = false, IntervalSteps = 1 });

    private readonly Run _run;
    private readonly InferenceLoggerOptions _options;
    private readonly Lock _reservoirGate = new();
    private long _requests;
    private Reservoir _reservoir;
    private bool _disposed;

    /// <summary>Starts recording into <paramref name="run"/>, which it records the model's identity in.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public InferenceLogger(Run run, InferenceLoggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _run = run;
        _options = options;
        _reservoir = new Reservoir(FeatureSet.DayOf(options.Clock.GetUtcNow()), options.ReservoirSize);
        var identity = new Dictionary<string, string> { ["model.sha256"] = options.ModelSha256.ToLowerInvariant() };
        if (options.ModelRunId is { } producer)
        {
            identity["model.run"] = producer;
        }

        if (options.Pseudonymizer is { } key)
        {
            identity["pseudonym.key_id"] = key.KeyId;
        }

        run.LogText($"serving model {options.ModelSha256.ToLowerInvariant()}{(options.ModelRunId is null ? "" : " from run " + options.ModelRunId)}", Text.Types.Level.Information, 0, identity);
    }

    /// <summary>Requests recorded so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Records one request: its latency, the model's outputs and its input features (one value each, in the sets' order).</summary>
    /// <exception cref="ArgumentException">A span does not hold one value per output or feature.</exception>
    public void Record(TimeSpan latency, ReadOnlySpan<double> outputs, ReadOnlySpan<double> features)
    {
        var day = FeatureSet.DayOf(_options.Clock.GetUtcNow());
        _run.LogScalar(Latency, day, latency.TotalSeconds);
        _run.LogFeatures(_options.Outputs, day, outputs);
        _run.LogFeatures(_options.Features, day, features);
        var request = Interlocked.Increment(ref _requests);
        if (_options.SampleEvery > 0 && request % _options.SampleEvery == 0)
        {
            WriteExample("sampled request", day, request, latency, outputs, features);
        }

        if (_options.ReservoirSize > 0)
        {
            Offer(day, request, latency, outputs, features);
        }
    }

    /// <summary>Writes the current day's reservoir; the logger records nothing more.</summary>
    public void Dispose()
    {
        lock (_reservoirGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            WriteReservoir(_reservoir);
        }
    }

    /// <summary>Algorithm R per day: the k-th request of a day replaces a random kept one with probability size / k.</summary>
    private void Offer(long day, long request, TimeSpan latency, ReadOnlySpan<double> outputs, ReadOnlySpan<double> features)
    {
        var reservoir = Volatile.Read(ref _reservoir);
        if (reservoir.Day != day)
        {
            lock (_reservoirGate)
            {
                if (_reservoir.Day != day && !_disposed)
                {
                    WriteReservoir(_reservoir);
                    Volatile.Write(ref _reservoir, new Reservoir(day, _options.ReservoirSize));
                }

                reservoir = _reservoir;
            }
        }

        var seen = Interlocked.Increment(ref reservoir.Seen);
        var slot = seen <= reservoir.Examples.Length ? seen - 1 : Random.Shared.NextInt64(seen);
        if (slot < reservoir.Examples.Length)
        {
            // Only a request that is kept allocates; the chance falls as the day goes on.
            Volatile.Write(ref reservoir.Examples[slot], new Example(request, latency, outputs.ToArray(), features.ToArray()));
        }
    }

    private void WriteReservoir(Reservoir reservoir)
    {
        foreach (var example in reservoir.Examples.Where(e => e is not null).OrderBy(e => e!.Request))
        {
            WriteExample("reservoir example", reservoir.Day, example!.Request, example.Latency, example.Outputs, example.Features);
        }
    }

    private void WriteExample(string kind, long day, long request, TimeSpan latency, ReadOnlySpan<double> outputs, ReadOnlySpan<double> features)
    {
        var tags = new Dictionary<string, string>
        {
            ["request"] = request.ToString(CultureInfo.InvariantCulture),
            ["latency_s"] = latency.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < outputs.Length; i++)
        {
            tags["outputs/" + _options.Outputs.Names[i]] = outputs[i].ToString("R", CultureInfo.InvariantCulture);
        }

        if (_options.Pseudonymizer is { } key)
        {
            for (var i = 0; i < features.Length && tags.Count < Runs.RunTags.MaxTags; i++)
            {
                tags["features/" + _options.Features.Names[i]] = key.Pseudonymize(features[i].ToString("R", CultureInfo.InvariantCulture));
            }
        }

        try
        {
            _run.LogText(kind, Text.Types.Level.Information, day, tags);
        }
        catch (InvalidOperationException)
        {
            // The run ended under a request in flight: its sketches are complete, and an example is not worth a crash.
        }
    }

    private sealed record Example(long Request, TimeSpan Latency, double[] Outputs, double[] Features);

    private sealed class Reservoir(long day, int size)
    {
        public long Seen;

        public long Day { get; } = day;

        public Example?[] Examples { get; } = new Example?[size];
    }
}
