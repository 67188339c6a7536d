using System.Diagnostics;
using Repro.Events;
using Repro.Events.Packing;
using Repro.Pipeline;
using Record = Repro.Events.Record;

namespace Repro.Runtime.Tests.Events.Packing;

/// <summary>
/// The packed form must say exactly what the column form says: every batch here is encoded both ways and both are
/// read through the same entry point, so a difference in any id, step, time or value bit fails the test.
/// </summary>
public class PackedScalarRoundTripTests
{
    private static readonly RunClock s_clock = new();
    private static readonly long s_now = Stopwatch.GetTimestamp();

    public static TheoryData<string, double[]> SpecialValues => new()
    {
        { "NaN payloads", [double.NaN, -double.NaN, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001), BitConverter.Int64BitsToDouble(0x7FF8_DEAD_BEEF_0001), BitConverter.Int64BitsToDouble(unchecked((long)0xFFFF_FFFF_FFFF_FFFF))] },
        { "infinities", [double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, 1.0, double.NegativeInfinity] },
        { "signed zeros", [0.0, -0.0, -0.0, 0.0, -0.0] },
        { "subnormals", [double.Epsilon, -double.Epsilon, BitConverter.Int64BitsToDouble(0x000F_FFFF_FFFF_FFFF), 2.2250738585072009e-308, 4.9406564584124654e-324 * 3] },
        { "extremes", [double.MaxValue, double.MinValue, 2.2250738585072014e-308, -double.MaxValue, 1e308] },
        { "integers as bits", [Bits(long.MaxValue), Bits(long.MinValue), Bits(0), Bits(-1), Bits(long.MaxValue - 1)] },
    };

    [Theory]
    [MemberData(nameof(SpecialValues))]
    public void Special_values_survive_bit_for_bit(string what, double[] values)
    {
        var entries = values.Select((v, i) => new ScalarEntry { MetricId = i % 2, Step = i, Value = v, Timestamp = s_now }).ToArray();

        AssertSameBothWays(entries, what);
        // And each value after every other, as the first of its metric and as a change within it.
        var shuffled = values.Concat(values.Reverse()).Concat(values).Select((v, i) => new ScalarEntry { MetricId = 0, Step = i, Value = v, Timestamp = s_now }).ToArray();
        AssertSameBothWays(shuffled, what + ", one metric");
    }

    [Fact]
    public void Extreme_steps_times_and_metric_ids_round_trip()
    {
        ScalarEntry[] entries =
        [
            new() { MetricId = 0, Step = 0, Value = 1.5, Timestamp = s_now },
            new() { MetricId = 300, Step = long.MaxValue, Value = double.NaN, Timestamp = s_now + 5 },
            new() { MetricId = 1, Step = long.MinValue, Value = -0.0, Timestamp = s_now - 1_000_000 },
            new() { MetricId = int.MaxValue, Step = -7, Value = double.NegativeInfinity, Timestamp = s_now + 1_000_000_000 },
            new() { MetricId = 255, Step = long.MaxValue, Value = 2, Timestamp = s_now + 1_000_000_000 },
            new() { MetricId = 256, Step = long.MinValue, Value = 3, Timestamp = long.MaxValue / 4 },
            new() { MetricId = 300, Step = long.MinValue, Value = 4, Timestamp = s_now },
            new() { MetricId = 0, Step = long.MaxValue, Value = 5, Timestamp = s_now },
        ];

        AssertSameBothWays(entries, "extremes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(20261206)]
    [InlineData(42)]
    [InlineData(99991)]
    public void Random_streams_round_trip(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 20; round++)
        {
            var metrics = random.Next(1, round % 3 == 0 ? 600 : 12);
            var step = random.NextInt64(-1000, 1000);
            var time = s_now;
            var entries = new ScalarEntry[random.Next(1, 3000)];
            for (var i = 0; i < entries.Length; i++)
            {
                step += random.Next(6) switch { 0 => 0, 1 => 1, 2 => random.Next(-100, 100), 3 => random.NextInt64(), 4 => -random.NextInt64(), _ => 1 };
                time += random.Next(4) switch { 0 => 0, 1 => 1000, 2 => random.Next(0, 100_000_000), _ => random.NextInt64(0, 1L << 40) };
                var value = random.Next(5) switch
                {
                    0 => BitConverter.Int64BitsToDouble(random.NextInt64() ^ (random.NextInt64() << 1)),
                    1 => random.NextDouble(),
                    2 => (float)random.NextDouble(),
                    3 => random.Next(100),
                    _ => 0.001,
                };
                entries[i] = new ScalarEntry { MetricId = random.Next(metrics), Step = step, Value = value, Timestamp = time };
            }

            AssertSameBothWays(entries, $"seed {seed}, round {round}");
        }
    }

    [Fact]
    public void A_batch_claiming_more_scalars_than_it_holds_is_refused_clearly()
    {
        var batch = Packed([new ScalarEntry { MetricId = 0, Step = 1, Value = 2, Timestamp = s_now }]);
        batch.Count = 1000;

        var error = Assert.Throws<InvalidDataException>(() => PackedScalarDecoder.Expand(batch));

        Assert.Contains("1000 scalars", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_cut_short_is_refused_clearly()
    {
        var entries = Enumerable.Range(0, 100).Select(i => new ScalarEntry { MetricId = i % 3, Step = i, Value = Math.Sin(i), Timestamp = s_now + i }).ToArray();
        var batch = Packed(entries);
        batch.Packed = Google.Protobuf.ByteString.CopyFrom(batch.Packed.Span[..(batch.Packed.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => PackedScalarDecoder.Expand(batch));

        Assert.Contains("packed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_packing_from_a_newer_Repro_is_named()
    {
        var batch = Packed([new ScalarEntry { MetricId = 0, Step = 1, Value = 2, Timestamp = s_now }]);
        batch.Packing = 2;

        var error = Assert.Throws<InvalidDataException>(() => PackedScalarDecoder.Expand(batch));

        Assert.Contains("encoding 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_batch_is_left_as_it_is()
    {
        var entries = new[] { new ScalarEntry { MetricId = 3, Step = 9, Value = 0.5, Timestamp = s_now } };
        var buffer = new byte[ScalarBatchEncoder.MaxEncodedSize(1)];
        var size = new ScalarBatchEncoder().Encode(buffer, entries, new byte[16], 1, s_clock);
        var record = PackedScalarDecoder.ParseRecord(buffer.AsSpan(0, size));

        Assert.Equal(Record.Parser.ParseFrom(buffer, 0, size), record);
    }

    internal static ScalarBatch Packed(ScalarEntry[] entries)
    {
        var buffer = new byte[ScalarBatchEncoder.MaxEncodedSize(entries.Length)];
        var size = new ScalarBatchEncoder().EncodePacked(buffer, entries, new byte[16], 1, s_clock);
        return Record.Parser.ParseFrom(buffer, 0, size).Scalars;
    }

    private static void AssertSameBothWays(ScalarEntry[] entries, string what)
    {
        var id = Ulid.NewUlid().ToByteArray();
        var encoder = new ScalarBatchEncoder();
        var buffer = new byte[ScalarBatchEncoder.MaxEncodedSize(entries.Length)];
        var columnSize = encoder.Encode(buffer, entries, id, 77, s_clock);
        var columns = PackedScalarDecoder.ParseRecord(buffer.AsSpan(0, columnSize)).Scalars;
        var packedSize = encoder.EncodePacked(buffer, entries, id, 77, s_clock);
        var raw = Record.Parser.ParseFrom(buffer, 0, packedSize).Scalars;
        var packed = PackedScalarDecoder.ParseRecord(buffer.AsSpan(0, packedSize)).Scalars;

        Assert.True(raw.Packed.Length > 0 && raw.Values.Count == 0 && raw.Count == entries.Length, what + ": the packed form was written");
        Assert.Equal(columns.FirstEventId, packed.FirstEventId);
        Assert.Equal(columns.FirstSequence, packed.FirstSequence);
        Assert.Equal(columns.FirstTimestampUnixNanos, packed.FirstTimestampUnixNanos);
        Assert.Equal(columns.MetricIds, packed.MetricIds);
        Assert.Equal(columns.StepDeltas, packed.StepDeltas);
        Assert.Equal(columns.TimestampDeltasNanos, packed.TimestampDeltasNanos);
        Assert.Equal(columns.Values.Select(BitConverter.DoubleToInt64Bits), packed.Values.Select(BitConverter.DoubleToInt64Bits));
        Assert.True(packed.Packed.IsEmpty && packed.Count == 0 && packed.Packing == 0, what + ": expanded in place");
        Assert.Equal(entries.Select(e => BitConverter.DoubleToInt64Bits(e.Value)), packed.Values.Select(BitConverter.DoubleToInt64Bits));
    }

    private static double Bits(long value) => BitConverter.Int64BitsToDouble(value);
}
