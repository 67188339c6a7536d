using System.Buffers;
using System.Runtime.CompilerServices;

namespace Repro.Events.Packing;

/// <summary>
/// Expands a packed <see cref="ScalarBatch"/> (see <see cref="PackedScalarFormat"/>) into the batch's columns, so
/// that every reader sees one form whichever the writer chose.
/// </summary>
internal static class PackedScalarDecoder
{
    /// <summary>The most scalars a batch may claim: a record is at most 16 MiB and a scalar takes at least 4 bits.</summary>
    private const uint MaxCount = 32 * 1024 * 1024;

    /// <summary>
    /// Parses a WAL record payload and expands a packed scalar batch in it.
    /// </summary>
    /// <exception cref="Google.Protobuf.InvalidProtocolBufferException">The payload is not a record.</exception>
    /// <exception cref="InvalidDataException">The record is a packed batch this reader cannot expand.</exception>
    public static Record ParseRecord(ReadOnlySpan<byte> payload)
    {
        var record = Record.Parser.ParseFrom(payload);
        if (record.BodyCase == Record.BodyOneofCase.Scalars)
        {
            Expand(record.Scalars);
        }

        return record;
    }

    /// <summary>Fills the columns of a packed batch from its <c>packed</c> bytes and clears them; a column batch is left as it is.</summary>
    /// <exception cref="InvalidDataException">The batch is packed in a way this reader does not know, or is damaged.</exception>
    public static void Expand(ScalarBatch batch)
    {
        if (batch.Packing == 0 && batch.Packed.IsEmpty && batch.Count == 0)
        {
            return; // the column form
        }

        if (batch.Packing != PackedScalarFormat.Version)
        {
            throw new InvalidDataException($"scalar batch packed with encoding {batch.Packing}, which this reader does not know (it reads 1)");
        }

        if (batch.Values.Count > 0 || batch.MetricIds.Count > 0 || batch.StepDeltas.Count > 0 || batch.TimestampDeltasNanos.Count > 0)
        {
            throw new InvalidDataException("malformed scalar batch: both packed and column values");
        }

        var count = batch.Count;
        if (count > MaxCount || (long)count * 4 > (long)batch.Packed.Length * 8)
        {
            throw new InvalidDataException($"malformed scalar batch: {count} scalars cannot fit in {batch.Packed.Length} packed bytes");
        }

        // Decoded into pooled scratch columns, then into the batch's own: a reader of a long log allocates only those.
        var size = (int)count;
        var ids = ArrayPool<uint>.Shared.Rent(size);
        var stepDeltas = ArrayPool<long>.Shared.Rent(size);
        var timeDeltas = ArrayPool<long>.Shared.Rent(size);
        var values = ArrayPool<double>.Shared.Rent(size);
        try
        {
            Decode(batch.Packed.Span, ids.AsSpan(0, size), stepDeltas.AsSpan(0, size), timeDeltas.AsSpan(0, size), values.AsSpan(0, size));
            Fill(batch.MetricIds, ids, size);
            Fill(batch.StepDeltas, stepDeltas, size);
            Fill(batch.TimestampDeltasNanos, timeDeltas, size);
            Fill(batch.Values, values, size);
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(stepDeltas);
            ArrayPool<long>.Shared.Return(timeDeltas);
            ArrayPool<double>.Shared.Return(values);
        }

        batch.Packed = Google.Protobuf.ByteString.Empty;
        batch.Count = 0;
        batch.Packing = 0;
    }

    /// <summary>
    /// Decodes <c>ids.Length</c> scalars into column form: metric ids, step deltas from the previous scalar, time
    /// deltas from the previous scalar (the first from the batch's first time) and values.
    /// </summary>
    // Hot on every replay and in short-lived commands: compiled fully optimised at once rather than after tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Decode(ReadOnlySpan<byte> packed, Span<uint> ids, Span<long> stepDeltas, Span<long> timeDeltas, Span<double> values)
    {
        var bits = new BitReader(packed);
        var slots = new Dictionary<uint, int>();
        var series = new Series[4];
        var seriesCount = 0;
        var previousSlot = -1;
        long previousStep = 0;
        long lastTimeJump = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            int slot;
            if (!bits.ReadBit())
            {
                slot = previousSlot >= 0 ? series[previousSlot].Successor : -1;
                if (slot < 0)
                {
                    throw new InvalidDataException($"packed scalar batch predicts the metric of scalar {i}, which nothing precedes");
                }
            }
            else
            {
                var id = (uint)(bits.ReadBit() ? bits.Read(32) : bits.Read(8));
                if (!slots.TryGetValue(id, out slot))
                {
                    slot = seriesCount++;
                    slots.Add(id, slot);
                    if (slot == series.Length)
                    {
                        Array.Resize(ref series, series.Length * 2);
                    }

                    series[slot] = new Series { Id = id, Successor = -1, Generation = -1 };
                }
            }

            if (previousSlot >= 0)
            {
                series[previousSlot].Successor = slot;
            }

            ref var state = ref series[slot];
            if (state.Generation < 0)
            {
                state = new Series { Id = state.Id, Generation = 0, Step = previousStep, Successor = state.Successor, Leading = -1 };
            }

            var stride = state.Stride + ReadSigned(ref bits);
            var step = state.Step + stride;
            state.Step = step;
            state.Stride = stride;

            long jump;
            if (!bits.ReadBit())
            {
                jump = 0;
            }
            else if (!bits.ReadBit())
            {
                jump = lastTimeJump;
            }
            else
            {
                jump = ReadSigned(ref bits);
                lastTimeJump = jump;
            }

            ulong xor;
            if (!bits.ReadBit())
            {
                xor = 0;
            }
            else if (!bits.ReadBit())
            {
                if (state.Leading < 0)
                {
                    throw new InvalidDataException($"packed scalar batch reuses a bit window for scalar {i} before its metric has one");
                }

                xor = bits.Read(64 - state.Leading - state.Trailing) << state.Trailing;
            }
            else
            {
                var leading = (int)bits.Read(6);
                var length = (int)bits.Read(6) + 1;
                if (leading + length > 64)
                {
                    throw new InvalidDataException($"packed scalar batch gives scalar {i} a bit window past 64 bits");
                }

                var trailing = 64 - leading - length;
                xor = bits.Read(length) << trailing;
                state.Leading = leading;
                state.Trailing = trailing;
            }

            state.Bits ^= xor;

            ids[i] = state.Id;
            stepDeltas[i] = step - previousStep;
            timeDeltas[i] = jump;
            values[i] = BitConverter.Int64BitsToDouble((long)state.Bits);
            previousSlot = slot;
            previousStep = step;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fill<T>(Google.Protobuf.Collections.RepeatedField<T> column, T[] values, int count)
    {
        column.Capacity = count;
        for (var i = 0; i < count; i++)
        {
            column.Add(values[i]);
        }
    }

    /// <summary>Reads what <c>PackedScalarEncoder.WriteSigned</c> wrote.</summary>
    internal static long ReadSigned(ref BitReader bits)
    {
        if (!bits.ReadBit())
        {
            return 0;
        }

        int width;
        if (!bits.ReadBit())
        {
            width = PackedScalarFormat.Width1;
        }
        else if (!bits.ReadBit())
        {
            width = PackedScalarFormat.Width2;
        }
        else
        {
            width = bits.ReadBit() ? 64 : PackedScalarFormat.Width3;
        }

        return PackedScalarFormat.UnZigZag(bits.Read(width));
    }

    private struct Series
    {
        public uint Id;
        public int Generation;
        public int Successor;
        public int Leading;
        public int Trailing;
        public long Step;
        public long Stride;
        public ulong Bits;
    }
}
