using System.Diagnostics;
using Repro.Events;
using Repro.Pipeline;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Pipeline;

[Collection(SequentialRuns.Name)]
public class ScalarBatchEncoderTests
{
    [Fact]
    public void The_hand_encoding_is_what_the_generated_protobuf_parser_reads()
    {
        var clock = new RunClock();
        var now = Stopwatch.GetTimestamp();
        ScalarEntry[] entries =
        [
            new() { MetricId = 0, Step = 0, Value = 1.5, Timestamp = now },
            new() { MetricId = 300, Step = long.MaxValue, Value = double.NaN, Timestamp = now + 5 },
            new() { MetricId = 1, Step = long.MinValue, Value = -0.0, Timestamp = now - 1_000_000 },
            new() { MetricId = int.MaxValue, Step = -7, Value = double.NegativeInfinity, Timestamp = now + 1_000_000_000 },
        ];
        var firstId = Ulid.NewUlid();
        var buffer = new byte[ScalarBatchEncoder.MaxEncodedSize(entries.Length)];

        var size = new ScalarBatchEncoder().Encode(buffer, entries, firstId.ToByteArray(), 42, clock);
        var batch = Repro.Events.Record.Parser.ParseFrom(buffer, 0, size).Scalars;

        Assert.Equal(firstId.ToByteArray(), batch.FirstEventId.ToByteArray());
        Assert.Equal(42ul, batch.FirstSequence);
        Assert.Equal(entries.Select(e => (uint)e.MetricId), batch.MetricIds);
        Assert.Equal(entries.Select(e => BitConverter.DoubleToInt64Bits(e.Value)), batch.Values.Select(BitConverter.DoubleToInt64Bits));
        long step = 0;
        var time = batch.FirstTimestampUnixNanos;
        for (var i = 0; i < entries.Length; i++)
        {
            step = unchecked(step + batch.StepDeltas[i]);
            time += batch.TimestampDeltasNanos[i];
            Assert.Equal(entries[i].Step, step);
            Assert.Equal(clock.ToUnixNanos(entries[i].Timestamp), time);
        }
    }

    [Fact]
    public void A_training_loop_costs_at_most_24_WAL_bytes_per_scalar_in_the_column_form()
    {
        using var home = new TemporaryDirectory();
        var loss = new MetricDeclaration("loss");
        var lr = new MetricDeclaration("lr");
        string wal;
        using (var run = Run.Start(new RunOptions { Home = home.Path, Pipeline = new EventPipelineOptions { PackScalars = false } }))
        {
            wal = Path.Combine(run.Directory, "wal");
            for (var step = 0; step < 100_000; step++)
            {
                run.LogScalar(loss, step, 1.0 / (step + 1));
                run.LogScalar(lr, step, 0.001);
            }
        }

        var bytes = Directory.GetFiles(wal).Sum(f => new FileInfo(f).Length);

        Assert.InRange(bytes / 200_000.0, 8, 24);
    }
}
