using System.Numerics;
using System.Runtime.CompilerServices;
using Repro.Events.Packing;

namespace Repro.Pipeline;

/// <summary>
/// Packs a batch's scalars into the bit stream of <see cref="PackedScalarFormat"/>: Gorilla-style, each value
/// XORed with the previous value of its own metric, each step as the change of its metric's stride, metric ids
/// predicted from the order they came in last time, times as deltas. A training loop's batch costs a bit or two
/// per scalar for everything but the values that really change.
/// </summary>
/// <remarks>Owned by the writer thread; state lives only within one batch, so each batch decodes on its own.</remarks>
internal sealed class PackedScalarEncoder
{
    private const int DenseIds = 1 << 16;
    private readonly Dictionary<int, int> _sparse = [];
    private Series[] _series = new Series[16];
    private int _generation;
    private byte[] _scratch = [];

    /// <summary>Packs <paramref name="entries"/>; the bytes are in <see cref="Packed"/> until the next call.</summary>
    /// <param name="entries">The scalars, in order.</param>
    /// <param name="firstTime">The time the first scalar's time is a delta from, in Unix nanoseconds.</param>
    /// <param name="clock">
    /// Turns the entries' <see cref="System.Diagnostics.Stopwatch"/> timestamps into Unix nanoseconds; null when they
    /// already are (the index packs times read back from a log).
    /// </param>
    /// <returns>The packed length in bytes.</returns>
    // Hot on every replay and in short-lived commands: compiled fully optimised at once rather than after tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Pack(ReadOnlySpan<ScalarEntry> entries, long firstTime, RunClock? clock)
    {
        var worstCase = (entries.Length * ((PackedScalarFormat.MaxBitsPerScalar + 7) / 8)) + 16;
        if (_scratch.Length < worstCase)
        {
            _scratch = new byte[Math.Max(worstCase, _scratch.Length * 2)];
        }

        var generation = ++_generation;
        _sparse.Clear();
        var bits = new BitWriter(_scratch);
        var previousIndex = -1;
        long previousStep = 0;
        var previousTime = firstTime;
        long lastTimeJump = 0;
        foreach (ref readonly var entry in entries)
        {
            var id = entry.MetricId;
            var index = IndexOf(id);

            // Metric id: one bit when it follows the metric that followed the previous one last time.
            if (previousIndex >= 0 && _series[previousIndex].Successor == id)
            {
                bits.Write(0, 1);
            }
            else if ((uint)id < PackedScalarFormat.SmallMetricId)
            {
                bits.Write(0b10, 2);
                bits.Write((uint)id, 8);
            }
            else
            {
                bits.Write(0b11, 2);
                bits.Write((uint)id, 32);
            }

            if (previousIndex >= 0)
            {
                _series[previousIndex].Successor = id;
            }

            ref var series = ref _series[index];
            if (series.Generation != generation)
            {
                series = new Series { Generation = generation, Step = previousStep, Successor = -1, Leading = -1 };
            }

            // Step: the change of the metric's own stride (0 on a regular loop).
            var stride = entry.Step - series.Step;
            WriteSigned(ref bits, stride - series.Stride);
            series.Step = entry.Step;
            series.Stride = stride;

            // Time: 0 (same clock reading), the last jump again, or the delta.
            var time = clock is null ? entry.Timestamp : clock.ToUnixNanos(entry.Timestamp);
            var jump = time - previousTime;
            if (jump == 0)
            {
                bits.Write(0, 1);
            }
            else if (jump == lastTimeJump)
            {
                bits.Write(0b10, 2);
            }
            else
            {
                bits.Write(0b11, 2);
                WriteSigned(ref bits, jump);
                lastTimeJump = jump;
            }

            // Value: XOR with the metric's previous value; only the bits between its leading and trailing zeros.
            var valueBits = (ulong)BitConverter.DoubleToInt64Bits(entry.Value);
            var xor = valueBits ^ series.Bits;
            if (xor == 0)
            {
                bits.Write(0, 1);
            }
            else
            {
                var leading = BitOperations.LeadingZeroCount(xor);
                var trailing = BitOperations.TrailingZeroCount(xor);
                if (series.Leading >= 0 && leading >= series.Leading && trailing >= series.Trailing)
                {
                    bits.Write(0b10, 2);
                    bits.Write(xor >> series.Trailing, 64 - series.Leading - series.Trailing);
                }
                else
                {
                    var length = 64 - leading - trailing;
                    bits.Write(0b11, 2);
                    bits.Write((ulong)leading, 6);
                    bits.Write((ulong)(length - 1), 6);
                    bits.Write(xor >> trailing, length);
                    series.Leading = leading;
                    series.Trailing = trailing;
                }
            }

            series.Bits = valueBits;
            previousIndex = index;
            previousStep = entry.Step;
            previousTime = time;
        }

        return bits.Finish();
    }

    /// <summary>The bytes of the last <see cref="Pack"/>.</summary>
    public ReadOnlySpan<byte> Packed(int length) => _scratch.AsSpan(0, length);

    /// <summary>A signed integer in the classes of <see cref="PackedScalarFormat"/>: one bit for 0, prefix and payload otherwise.</summary>
    internal static void WriteSigned(ref BitWriter bits, long value)
    {
        if (value == 0)
        {
            bits.Write(0, 1);
            return;
        }

        var zigzag = PackedScalarFormat.ZigZag(value);
        if (zigzag < 1UL << PackedScalarFormat.Width1)
        {
            bits.Write(0b10, 2);
            bits.Write(zigzag, PackedScalarFormat.Width1);
        }
        else if (zigzag < 1UL << PackedScalarFormat.Width2)
        {
            bits.Write(0b110, 3);
            bits.Write(zigzag, PackedScalarFormat.Width2);
        }
        else if (zigzag < 1UL << PackedScalarFormat.Width3)
        {
            bits.Write(0b1110, 4);
            bits.Write(zigzag, PackedScalarFormat.Width3);
        }
        else
        {
            bits.Write(0b1111, 4);
            bits.Write(zigzag, 64);
        }
    }

    // A run's metric ids count up from 0, so they index the state directly; any other id gets a slot above them.
    private int IndexOf(int id)
    {
        int index;
        if ((uint)id < DenseIds)
        {
            index = id;
        }
        else if (!_sparse.TryGetValue(id, out index))
        {
            index = DenseIds + _sparse.Count;
            _sparse.Add(id, index);
        }

        if (index >= _series.Length)
        {
            Array.Resize(ref _series, Math.Max(index + 1, _series.Length * 2));
        }

        return index;
    }

    private struct Series
    {
        public int Generation;
        public int Successor;
        public int Leading;
        public int Trailing;
        public long Step;
        public long Stride;
        public ulong Bits;
    }
}
