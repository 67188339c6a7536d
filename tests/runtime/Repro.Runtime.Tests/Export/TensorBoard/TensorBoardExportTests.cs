using System.Buffers.Binary;
using Repro.Export.TensorBoard;
using Repro.Runtime.Tests.Export.TensorBoard.Published;
using Repro.Runtime.Tests.Export.TensorBoard.Published.HParams;
using Repro.Storage;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Runs;

namespace Repro.Runtime.Tests.Export.TensorBoard;

/// <summary>
/// A real run exported for TensorBoard, read back by an independent reader: its own TFRecord framing and CRC-32C,
/// and TensorBoard's published event, summary and HParams schema.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class TensorBoardExportTests : IDisposable
{
    private static readonly string[] s_summaryTags = ["grad/min", "grad/mean", "grad/max"];
    private readonly TemporaryDirectory _home = new("repro-tensorboard");

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Scalars_histograms_text_and_hparams_read_back_with_tensorboard_s_published_schema()
    {
        var (runId, started) = Record(failure: null);
        var export = TensorBoardExporter.Export(new RunStore(_home.Path), runId, Path.Combine(_home.Path, "tb"));

        var events = ReadEventFile(export.Path);

        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(export.Path), StringComparison.Ordinal);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(started.ToUnixTimeSeconds(), (long)events[0].WallTime);

        var losses = Values(events, "loss").ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(step => (long)step), losses.Select(v => v.Step));
        Assert.Equal(Enumerable.Range(0, 20).Select(step => (float)(1.0 / (step + 1))), losses.Select(v => v.Value.SimpleValue));
        Assert.True(losses.Zip(losses.Skip(1)).All(pair => pair.First.WallTime <= pair.Second.WallTime));
        Assert.All(losses, v => Assert.InRange(v.WallTime, started.ToUnixTimeSeconds() - 1, started.ToUnixTimeSeconds() + 600));

        var histogram = Values(events, "activations").Single();
        Assert.Equal(9, histogram.Step); // the interval's last step
        Assert.Equal(10, histogram.Value.Histo.Num);
        Assert.Equal([0.0, 0.5, 1.0, double.MaxValue], histogram.Value.Histo.BucketLimit);
        Assert.Equal([0.0, 5, 5, 0], histogram.Value.Histo.Bucket);

        var sketch = Values(events, "latency").Single();
        Assert.Equal(10, sketch.Value.Histo.Num);
        Assert.Equal(0, sketch.Value.Histo.Min);
        Assert.Equal(9, sketch.Value.Histo.Max);
        Assert.Equal(45, sketch.Value.Histo.Sum, 9);

        Assert.Equal([0f, 4.5f, 9f], s_summaryTags.Select(tag => Values(events, tag).Single().Value.SimpleValue));

        var text = Values(events, "log").Single().Value;
        Assert.Equal("text", text.Metadata.PluginData.PluginName);
        Assert.Equal(DataType.DtString, text.Tensor.Dtype);
        Assert.Equal("**warning** learning rate lowered", text.Tensor.StringVal[0].ToStringUtf8());

        var start = PluginData(Values(events, "_hparams_/session_start_info").Single().Value).SessionStartInfo;
        Assert.Equal(0.01, start.Hparams["learning_rate"].NumberValue);
        Assert.Equal("adam", start.Hparams["optimizer.name"].StringValue);
        Assert.True(start.Hparams["use_amp"].BoolValue);
        Assert.Equal("[64,64]", start.Hparams["layers"].StringValue);
        var end = PluginData(Values(events, "_hparams_/session_end_info").Single().Value).SessionEndInfo;
        Assert.Equal(Status.Success, end.Status);
        Assert.True(end.EndTimeSecs >= start.StartTimeSecs);
        Assert.Equal((20L + 3, 2L, 1L, 4), (export.Scalars, export.Histograms, export.Texts, export.HParams));
    }

    [Fact]
    public void The_same_run_exports_to_the_same_bytes_readable_by_its_owner_only_and_a_failure_is_text()
    {
        var (runId, _) = Record(failure: "diverged: loss is NaN");
        var store = new RunStore(_home.Path);
        var folder = Path.Combine(_home.Path, "tb");

        var first = File.ReadAllBytes(TensorBoardExporter.Export(store, runId, folder).Path);
        var again = TensorBoardExporter.Export(store, runId, folder);

        Assert.Equal(first, File.ReadAllBytes(again.Path));
        Assert.Single(Directory.GetFiles(folder));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(again.Path));
        }

        var events = ReadEventFile(again.Path);
        Assert.Contains("diverged: loss is NaN", Values(events, "failure").Single().Value.Tensor.StringVal[0].ToStringUtf8(), StringComparison.Ordinal);
        Assert.Equal(Status.Failure, PluginData(Values(events, "_hparams_/session_end_info").Single().Value).SessionEndInfo.Status);
    }

    [Fact]
    public void A_damaged_record_is_reported_and_the_rest_is_exported()
    {
        var (runId, _) = Record(failure: null);
        var segment = Directory.GetFiles(Path.Combine(_home.Path, "runs", runId, "wal")).Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(segment);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(segment, bytes);

        var export = TensorBoardExporter.Export(new RunStore(_home.Path), runId, Path.Combine(_home.Path, "tb"));

        Assert.NotEmpty(export.Problems);
        Assert.Equal("brain.Event:2", ReadEventFile(export.Path)[0].FileVersion);
    }

    [Fact]
    public void Every_scalar_of_a_long_packed_run_reads_back_at_its_step_and_time_grouped_by_step_as_its_events_say()
    {
        var runId = RecordLong();
        var store = new RunStore(_home.Path);

        var export = TensorBoardExporter.Export(store, runId, Path.Combine(_home.Path, "tb"));

        // What the run's events say, grouped as documented: one event per step and run of consecutive values at it,
        // timed by the first of them.
        var expected = new List<(long Step, double WallTime, List<string> Values)>();
        foreach (var evt in store.ReadEvents(runId))
        {
            string value;
            if (evt.ValueCase == Repro.Events.Event.ValueOneofCase.Scalar)
            {
                value = $"{evt.Name}={BitConverter.SingleToInt32Bits((float)evt.Scalar.Value)}";
            }
            else if (evt.ValueCase == Repro.Events.Event.ValueOneofCase.Text)
            {
                value = "log=" + evt.Text.Message;
            }
            else
            {
                continue;
            }

            if (expected.Count == 0 || expected[^1].Step != evt.Step)
            {
                expected.Add((evt.Step, evt.TimestampUnixNanos / 1e9, []));
            }

            expected[^1].Values.Add(value);
        }

        var written = ReadEventFile(export.Path)[2..^1] // after the file version and the session start, before its end
            .Select(e => (e.Step, e.WallTime, e.Summary.Value.Select(v => v.Tensor is null
                ? $"{v.Tag}={BitConverter.SingleToInt32Bits(v.SimpleValue)}"
                : $"{v.Tag}={v.Tensor.StringVal[0].ToStringUtf8()[(v.Tensor.StringVal[0].ToStringUtf8().IndexOf(' ', StringComparison.Ordinal) + 1)..]}").ToList()))
            .ToList();

        Assert.Equal(90_000, export.Scalars);
        Assert.Equal(expected.Count, written.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Step, written[i].Step);
            Assert.Equal(expected[i].WallTime, written[i].WallTime);
            Assert.Equal(expected[i].Values, written[i].Item3);
        }
    }

    /// <summary>30,000 steps of three metrics (several packed batches): a double with every special value, an integer past 2^53, a constant.</summary>
    private string RecordLong()
    {
        using var run = Run.Start(new RunOptions { Home = _home.Path, Name = "long", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        var loss = new MetricDeclaration("train/loss");
        var tokens = new MetricDeclaration("tokens", valueType: MetricValueType.Int64);
        var lr = new MetricDeclaration("lr");
        double[] specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, 1e300];
        for (var step = 0; step < 30_000; step++)
        {
            run.LogScalar(loss, step, step % 1_000 < specials.Length ? specials[step % 1_000] : 2.0 / (step + 1));
            if (step == 15_000)
            {
                run.LogText("halfway", Repro.Events.Text.Types.Level.Information, step);
            }

            run.LogInteger(tokens, step, (1L << 53) + (step * 4_097L));
            run.LogScalar(lr, step, 0.001);
        }

        run.Finish();
        return run.Id.ToString();
    }

    private (string RunId, DateTimeOffset Started) Record(string? failure)
    {
        var run = Run.Start(new RunOptions { Home = _home.Path, Name = "tensorboard", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        run.RecordHyperparameters(new JsonConfiguration("""{"layers":[64,64],"learning_rate":0.01,"optimizer":{"name":"adam"},"use_amp":true}"""));
        var loss = new MetricDeclaration("loss");
        var activations = new MetricDeclaration("activations", options: new MetricOptions { Aggregation = MetricAggregation.Histogram, HistogramBounds = [0.0, 0.5, 1.0], IntervalSteps = 10, RecordValues = false });
        var latency = new MetricDeclaration("latency", options: new MetricOptions { Aggregation = MetricAggregation.Sketch, IntervalSteps = 10, RecordValues = false });
        var grad = new MetricDeclaration("grad", options: new MetricOptions { Aggregation = MetricAggregation.Statistics, IntervalSteps = 10, RecordValues = false });
        for (var step = 0; step < 20; step++)
        {
            run.LogScalar(loss, step, 1.0 / (step + 1));
            if (step < 10)
            {
                run.LogScalar(activations, step, step / 10.0);
                run.LogScalar(latency, step, step);
                run.LogScalar(grad, step, step);
            }
        }

        run.LogText("learning rate lowered", Repro.Events.Text.Types.Level.Warning, step: 12);
        if (failure is null)
        {
            run.Finish();
        }
        else
        {
            run.Fail(new InvalidOperationException(failure));
        }

        return (run.Id.ToString(), new RunStore(_home.Path).GetRun(run.Id.ToString()).StartedAt);
    }

    private static IEnumerable<(long Step, double WallTime, Summary.Types.Value Value)> Values(IReadOnlyList<Event> events, string tag) =>
        events.Where(e => e.WhatCase == Event.WhatOneofCase.Summary)
            .SelectMany(e => e.Summary.Value.Where(v => v.Tag == tag).Select(v => (e.Step, e.WallTime, v)));

    private static HParamsPluginData PluginData(Summary.Types.Value value)
    {
        Assert.Equal("hparams", value.Metadata.PluginData.PluginName);
        var data = HParamsPluginData.Parser.ParseFrom(value.Metadata.PluginData.Content);
        Assert.Equal(0, data.Version);
        return data;
    }

    /// <summary>Reads TFRecord framing with its own CRC-32C, checking both checksums of every record.</summary>
    private static List<Event> ReadEventFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        var at = 0;
        while (at < bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at, 8));
            Assert.Equal(MaskedCrc32C(bytes.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8, 4)));
            var payload = bytes.AsSpan(at + 12, length);
            Assert.Equal(MaskedCrc32C(payload), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + length, 4)));
            events.Add(Event.Parser.ParseFrom(payload));
            at += 12 + length + 4;
        }

        return events;
    }

    /// <summary>CRC-32C bit by bit (reflected polynomial 0x82F63B78), masked as TFRecord masks it.</summary>
    private static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }
}
