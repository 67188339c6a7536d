using Repro.Pipeline;
using Repro.Sinks.Index;

namespace Repro.Runtime.Tests.Sinks.Index;

public class ScalarChunkCodecTests
{
    private static readonly double[] s_edgeValues =
    [
        0.0, -0.0, double.NaN, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001), BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_DEAD_BEEF)),
        double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon, 2.2250738585072009E-308,
        double.MaxValue, double.MinValue, 1.0, 1.0, 0.1f, BitConverter.Int64BitsToDouble(long.MaxValue), BitConverter.Int64BitsToDouble(long.MinValue),
    ];

    [Fact]
    public void Every_bit_of_edge_values_and_extreme_steps_times_and_sequences_reads_back()
    {
        var count = s_edgeValues.Length;
        long[] steps = [0, long.MaxValue, long.MinValue, -1, 1, 1, 1, 2, 3, 5, 8, 1_000_000_000_000, 0, 0, 7, 7, 7];
        long[] times = [long.MinValue, long.MaxValue, 0, 1, 1, 1, 2, 3, -5, 1_700_000_000_000_000_000, 1_700_000_000_000_000_001, 1_700_000_000_000_000_001, 0, 0, 0, 9, 9];
        ulong[] sequences = [1, 2, 3, 10, 11, 12, 13, 1_000_000, 1_000_001, 1_000_003, 1_000_005, 1_000_007, ulong.MaxValue - 4, ulong.MaxValue - 3, ulong.MaxValue - 2, ulong.MaxValue - 1, ulong.MaxValue];
        var entries = Enumerable.Range(0, count).Select(i => Entry(steps[i], times[i], s_edgeValues[i])).ToArray();

        AssertRoundTrip(entries, sequences);
    }

    [Theory]
    [InlineData(20261206)]
    [InlineData(42)]
    public void Random_streams_of_any_shape_read_back_exactly(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var count = random.Next(1, 3_000);
            var entries = new ScalarEntry[count];
            var sequences = new ulong[count];
            var sequence = (ulong)random.NextInt64(1, long.MaxValue / 2);
            long step = random.NextInt64(), time = random.NextInt64();
            for (var i = 0; i < count; i++)
            {
                // Regular strides mostly, jumps and arbitrary bits sometimes: every class of the encoding is used.
                step += random.Next(10) == 0 ? random.NextInt64(long.MinValue / 4, long.MaxValue / 4) : 1;
                time += random.Next(10) == 0 ? random.NextInt64(-1_000_000_000, 1_000_000_000) : 1_000;
                var value = random.Next(3) switch
                {
                    0 => BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)),
                    1 => Math.Round(random.NextDouble(), 2),
                    _ => i > 0 ? entries[i - 1].Value : 0.5,
                };
                entries[i] = Entry(step, time, value);
                sequence += random.Next(5) == 0 ? (ulong)random.Next(1, 1_000_000) : 3;
                sequences[i] = sequence;
            }

            AssertRoundTrip(entries, sequences, $"seed {seed}, round {round}");
        }
    }

    [Fact]
    public void A_metric_logged_in_a_fixed_round_with_others_costs_about_two_bytes_a_scalar_or_less()
    {
        // A stepped learning rate logged every step, third of three metrics: its step, time, sequence and value all repeat.
        var entries = Enumerable.Range(0, 16_384).Select(i => Entry(i, 1_700_000_000_000_000_000 + (i / 1_000 * 7_000_000L), 0.1 * Math.Pow(0.1, i / 10_000))).ToArray();
        var sequences = Enumerable.Range(0, 16_384).Select(i => 3 + (3 * (ulong)i)).ToArray();

        var data = new ScalarChunkEncoder().Encode(entries, sequences).ToArray();

        Assert.InRange(data.Length, 1, 16_384 * 2);
        AssertRoundTrip(entries, sequences);
    }

    [Fact]
    public void Sequence_numbers_that_do_not_increase_are_refused()
    {
        var entries = new[] { Entry(0, 0, 1), Entry(1, 0, 2) };

        Assert.Throws<ArgumentException>(() => new ScalarChunkEncoder().Encode(entries, [5, 5]));
        Assert.Throws<ArgumentException>(() => new ScalarChunkEncoder().Encode(entries, [5]));
        Assert.Throws<ArgumentException>(() => new ScalarChunkEncoder().Encode([], []));
    }

    [Fact]
    public void Damaged_or_foreign_data_is_refused_as_invalid_not_read_as_other_values()
    {
        var entries = Enumerable.Range(0, 100).Select(i => Entry(i, i * 1_000L, i * 0.25)).ToArray();
        var sequences = Enumerable.Range(1, 100).Select(i => (ulong)i).ToArray();
        var data = new ScalarChunkEncoder().Encode(entries, sequences).ToArray();

        var foreign = (byte[])data.Clone();
        foreign[0] = 2;
        var cut = data[..3];
        var claimsMore = (byte[])data.Clone();

        Assert.Contains("layout 2", Assert.Throws<InvalidDataException>(() => Decode(foreign, 100)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => Decode(cut, 100));
        Assert.Throws<InvalidDataException>(() => Decode(claimsMore, 100_000));
        Assert.Throws<InvalidDataException>(() => Decode([], 1));
        Assert.Throws<InvalidDataException>(() => Decode([ScalarChunkFormat.Version, 0xFF, 0xFF], 1));
    }

    [Fact]
    public void A_chunk_that_names_another_metric_or_repeats_a_sequence_number_is_refused()
    {
        var entries = new[] { Entry(0, 0, 1), Entry(1, 0, 2), Entry(2, 0, 3) };
        var otherMetric = entries.Select(e => e with { MetricId = 5 }).ToArray();
        var named = new ScalarChunkEncoder().Encode(otherMetric, [1, 2, 3]).ToArray();

        // The sequence stream replaced by a first gap of 0 (signed -1 from the gap of 1: 10 0000001) and no change after it.
        var valid = new ScalarChunkEncoder().Encode(entries, [1, 2, 3]).ToArray();
        var packedEnd = 2 + valid[1];
        byte[] repeated = [.. valid[..packedEnd], 0b1000_0000, 0b1000_0000];

        Assert.Contains("metric 5", Assert.Throws<InvalidDataException>(() => Decode(named, 3)).Message, StringComparison.Ordinal);
        Assert.Contains("does not follow", Assert.Throws<InvalidDataException>(() => Decode(repeated, 3)).Message, StringComparison.Ordinal);
        Assert.Equal([1UL, 2, 3], Decode(valid, 3).Sequences);
    }

    private static void AssertRoundTrip(ScalarEntry[] entries, ulong[] sequences, string context = "")
    {
        var data = new ScalarChunkEncoder().Encode(entries, sequences).ToArray();
        var (readSequences, steps, times, bits) = Decode(data, entries.Length, sequences[0], entries[0].Timestamp);
        for (var i = 0; i < entries.Length; i++)
        {
            var expected = (sequences[i], entries[i].Step, entries[i].Timestamp, BitConverter.DoubleToInt64Bits(entries[i].Value));
            Assert.True(expected == (readSequences[i], steps[i], times[i], bits[i]), $"{context} scalar {i}: wrote {expected}, read {(readSequences[i], steps[i], times[i], bits[i])}");
        }
    }

    private static (ulong[] Sequences, long[] Steps, long[] Times, long[] Bits) Decode(byte[] data, int count, ulong firstSequence = 1, long firstTime = 0)
    {
        var result = (new ulong[count], new long[count], new long[count], new long[count]);
        ScalarChunkDecoder.Decode(data, firstSequence, firstTime, result.Item1, result.Item2, result.Item3, result.Item4);
        return result;
    }

    private static ScalarEntry Entry(long step, long time, double value) => new() { Step = step, Timestamp = time, Value = value };
}
