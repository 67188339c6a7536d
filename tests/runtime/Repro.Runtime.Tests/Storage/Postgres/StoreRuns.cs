using System.Text;
using System.Text.Json;
using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared.Runs;

namespace Repro.Runtime.Tests.Storage.Postgres;

/// <summary>Runs recorded the way training code records them, for the central-store tests, and their events as text to compare.</summary>
internal static class StoreRuns
{
    private static readonly MetricDeclaration s_loss = new("loss", options: new MetricOptions { Goal = MetricGoal.Minimize });
    private static readonly MetricDeclaration s_accuracy = new("accuracy", unit: "ratio", tags: new Dictionary<string, string> { ["split"] = "validation" }, options: new MetricOptions { Goal = MetricGoal.Maximize });
    private static readonly MetricDeclaration s_tokens = new("tokens", valueType: MetricValueType.Int64);
    private static readonly MetricDeclaration s_gradient = new("gradient_norm", options: new MetricOptions { Aggregation = MetricAggregation.Statistics, IntervalSteps = 50 });

    /// <summary>
    /// Records a run with every kind of content a store must keep: interleaved float and integer metrics (one with
    /// tags), an aggregated metric, text, a seed, hyperparameters and tags; shipped live when <paramref name="store"/> is given.
    /// </summary>
    public static string Record(string home, string name, int steps, double learningRate = 0.01, string? store = null, IReadOnlyDictionary<string, string>? tags = null)
    {
        var run = Run.Start(new RunOptions { Home = home, Name = name, TelemetryInterval = TimeSpan.Zero, Store = store, Tags = tags, StoreShipInterval = TimeSpan.FromMilliseconds(50) });
        run.RecordHyperparameters(new JsonConfiguration($$"""{"learning_rate":{{learningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"optimizer":"adam","layers":[64,32]}"""));
        run.RecordSeed("torch.cpu", 42);
        for (var step = 0; step < steps; step++)
        {
            run.LogScalar(s_loss, step, Math.Exp(-step * learningRate) + (step % 7 * 1e-3));
            run.LogInteger(s_tokens, step, (long)step * 4096 + 9_007_199_254_740_993L);
            run.LogScalar(s_gradient, step, 1.0 / (step + 1));
            if (step % 10 == 0)
            {
                run.LogScalar(s_accuracy, step, step / (steps + 1.0));
            }

            if (step % 250 == 0)
            {
                run.LogText($"step {step}: ünïcode ✓");
            }
        }

        run.Finish();
        Thread.Sleep(2); // distinct ULID times, so "newest first" is well defined
        return run.Id.ToString();
    }

    /// <summary>The events as JSON lines (docs/formats/events.md), for comparing two readers byte for byte.</summary>
    public static List<string> JsonLines(IEnumerable<Event> events)
    {
        var lines = new List<string>();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var evt in events)
        {
            buffer.Clear();
            using (var writer = new Utf8JsonWriter(buffer, EventJsonWriter.WriterOptions))
            {
                EventJsonWriter.Write(writer, evt);
            }

            lines.Add(Encoding.UTF8.GetString(buffer.WrittenSpan));
        }

        return lines;
    }

    /// <summary>Every event of the run, as JSON lines, read from <paramref name="reader"/>; damage fails the test.</summary>
    public static List<string> Events(IRunReader reader, string runId)
    {
        var problems = new List<string>();
        var lines = JsonLines(reader.ReadEvents(runId, problem => problems.Add(problem.ToString())));
        Assert.Empty(problems);
        return lines;
    }
}
