using Google.Protobuf;
using Repro.Events;
using Repro.Events.Packing;
using Repro.Pipeline;
using Repro.Runs;
using Repro.Runtime.Tests.Faults;
using Repro.Storage;
using Repro.Tests.Shared;
using Repro.Wal;
using Xunit.Abstractions;
using Record = Repro.Events.Record;

namespace Repro.Runtime.Tests.Events.Packing;

/// <summary>Packed batches in real runs: their size on realistic streams, old logs, integers, and a crash inside one.</summary>
[Collection(SequentialRuns.Name)]
public class PackedScalarRunTests(ITestOutputHelper output)
{
    [Fact]
    public void Realistic_training_metrics_take_at_most_4_WAL_bytes_a_scalar_and_read_back_exactly()
    {
        using var home = new TemporaryDirectory();
        var stream = new RealisticMetricStream(seed: 20261206);
        var expected = new List<(string Name, long Step, double Value)>();
        string runId;
        string wal;
        using (var run = Run.Start(new RunOptions { Home = home.Path }))
        {
            runId = run.Id.ToString();
            wal = Path.Combine(run.Directory, "wal");
            foreach (var (metric, step, value) in stream.Take(300_000))
            {
                run.LogScalar(metric, step, value);
                expected.Add((metric.Name, step, value));
            }
        }

        var bytesPerScalar = (double)Directory.GetFiles(wal).Sum(f => new FileInfo(f).Length) / expected.Count;
        var scalars = new RunStore(home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).ToList();

        output.WriteLine($"{bytesPerScalar:F3} WAL bytes per scalar");
        Assert.True(bytesPerScalar <= 4, $"{bytesPerScalar:F2} WAL bytes per scalar");
        Assert.Equal(expected.Count, scalars.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Name, scalars[i].Name);
            Assert.Equal(expected[i].Step, scalars[i].Step);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i].Value), BitConverter.DoubleToInt64Bits(scalars[i].Scalar.Value));
        }
    }

    [Fact]
    public void Long_metrics_keep_every_integer_to_2_pow_63_minus_1_exactly()
    {
        using var home = new TemporaryDirectory();
        var tokens = new MetricDeclaration("tokens", valueType: MetricValueType.Int64);
        long[] values = [long.MaxValue, long.MinValue, 0, -1, 1L << 53, (1L << 53) + 1, long.MaxValue - 1, 42];
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path }))
        {
            runId = run.Id.ToString();
            for (var i = 0; i < values.Length; i++)
            {
                run.LogInteger(tokens, i, values[i]);
            }
        }

        var read = new RunStore(home.Path).ReadEvents(runId).Where(e => e.Name == "tokens" && e.ValueCase == Event.ValueOneofCase.Scalar).Select(e => e.Scalar.IntValue);

        Assert.Equal(values, read);
    }

    [Fact]
    public void A_log_in_the_column_form_of_earlier_versions_still_reads_and_the_writer_can_still_write_it()
    {
        using var home = new TemporaryDirectory();
        var loss = new MetricDeclaration("loss");
        string runId;
        string wal;
        using (var run = Run.Start(new RunOptions { Home = home.Path, Pipeline = new EventPipelineOptions { PackScalars = false } }))
        {
            runId = run.Id.ToString();
            wal = Path.Combine(run.Directory, "wal");
            for (var step = 0; step < 10_000; step++)
            {
                run.LogScalar(loss, step, 1.0 / (step + 1));
            }
        }

        var batches = WalReader.ListSegments(wal).SelectMany(s => WalReader.ReadSegment(s)).Select(r => Record.Parser.ParseFrom(r.Payload.Span))
            .Where(r => r.BodyCase == Record.BodyOneofCase.Scalars).ToList();
        var scalars = new RunStore(home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).ToList();

        Assert.NotEmpty(batches);
        Assert.All(batches, b => Assert.True(b.Scalars.Packed.IsEmpty && b.Scalars.Values.Count > 0));
        Assert.Equal(Enumerable.Range(0, 10_000).Select(s => 1.0 / (s + 1)), scalars.Select(e => e.Scalar.Value));
    }

    [Fact]
    public void A_crash_in_the_middle_of_a_packed_batch_keeps_every_whole_batch_before_it_exactly()
    {
        using var home = new TemporaryDirectory("repro-packed-crash");
        string runId;
        using (var child = new CrashChildProcess("log", home.Path, "1000"))
        {
            runId = child.WaitForRunId();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (child.LastAcknowledged() < 20_000 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }

            child.Kill();
        }

        // Cut the log in the middle of its last packed batch, as a write torn by the kill leaves it.
        var segment = WalReader.ListSegments(Path.Combine(home.Path, "runs", runId, "wal"))[^1];
        var records = WalReader.ReadSegment(segment).ToList();
        var last = records.Last(r => Record.Parser.ParseFrom(r.Payload.Span).BodyCase == Record.BodyOneofCase.Scalars);
        var lastBatch = Record.Parser.ParseFrom(last.Payload.Span).Scalars;
        Assert.True(lastBatch.Count > 1 && !lastBatch.Packed.IsEmpty, "the child wrote packed batches");
        var frame = WalFormat.HeaderSize + last.Payload.Length + WalFormat.FooterSize;
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(last.Offset + (frame / 2));
        }

        var store = new RunStore(home.Path);
        var manifest = store.GetRun(runId);
        var events = store.ReadEvents(runId).ToList();
        var scalars = events.Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).ToList();

        Assert.Equal(RunStatus.Crashed, manifest.Status);
        Assert.Equal(frame / 2, manifest.Recovery!.TruncatedBytes);
        Assert.Equal(Lifecycle.Types.Kind.Crashed, events[^1].Lifecycle.Kind);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (ulong)i), events.Select(e => e.Sequence));
        Assert.Equal(lastBatch.FirstSequence - 1, scalars[^1].Sequence);
        Assert.Equal(Enumerable.Range(0, scalars.Count).Select(i => (long)i), scalars.Select(e => e.Step));
        Assert.All(scalars, e => Assert.Equal(e.Step, e.Scalar.Value));
    }

    [Fact]
    public void A_damaged_packed_batch_is_reported_and_the_batches_around_it_still_read()
    {
        using var home = new TemporaryDirectory();
        var loss = new MetricDeclaration("loss");
        string runId;
        string wal;
        using (var run = Run.Start(new RunOptions { Home = home.Path, Pipeline = new EventPipelineOptions { MaxBatchSize = 100 } }))
        {
            runId = run.Id.ToString();
            wal = Path.Combine(run.Directory, "wal");
            for (var step = 0; step < 1000; step++)
            {
                run.LogScalar(loss, step, step * 0.5);
                if (step % 100 == 99)
                {
                    run.Flush();
                }
            }
        }

        // A packed batch whose CRCs are right but whose bits claim more than they hold: written by a broken writer.
        var segment = WalReader.ListSegments(wal)[0];
        var records = WalReader.ReadSegment(segment).ToList();
        var victim = records.First(r => Record.Parser.ParseFrom(r.Payload.Span).Scalars?.Count > 0);
        var record = Record.Parser.ParseFrom(victim.Payload.Span);
        var claimed = record.Scalars.Count;
        record.Scalars.Count = claimed * 100;
        var rewritten = new List<byte>();
        foreach (var r in records)
        {
            rewritten.AddRange(Repro.Storage.Maintenance.LogRewriter.Frame(r.Offset == victim.Offset ? record.ToByteArray() : r.Payload.ToArray()));
        }

        File.WriteAllBytes(segment, [.. rewritten]);
        var problems = new List<WalCorruption>();
        var scalars = new RunStore(home.Path).ReadEvents(runId, problems.Add).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).ToList();

        Assert.Contains(problems, p => p.Reason.Contains("packed", StringComparison.Ordinal));
        Assert.Equal(1000 - (int)claimed, scalars.Count);
        Assert.All(scalars, e => Assert.Equal(e.Step * 0.5, e.Scalar.Value));
    }
}
