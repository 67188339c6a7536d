using System.Buffers;
using Repro.Events.Packing;

namespace Repro.Sinks.Index;

/// <summary>Expands an index chunk's <c>data</c> (see <see cref="ScalarChunkEncoder"/>) back into its scalars.</summary>
internal static class ScalarChunkDecoder
{
    /// <summary>
    /// Decodes <c>steps.Length</c> scalars: their sequence numbers (the first is <paramref name="firstSequence"/>),
    /// steps, times in Unix nanoseconds (the first is <paramref name="firstTime"/>) and values' 64 bits.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is of another layout, damaged, or holds another number of scalars.</exception>
    public static void Decode(ReadOnlySpan<byte> data, ulong firstSequence, long firstTime, Span<ulong> sequences, Span<long> steps, Span<long> times, Span<long> bits)
    {
        var count = steps.Length;
        if (count == 0 || sequences.Length != count || times.Length != count || bits.Length != count)
        {
            throw new ArgumentException("the columns must hold the same number (at least one) of scalars");
        }

        if (data.IsEmpty || data[0] != ScalarChunkFormat.Version)
        {
            throw new InvalidDataException($"index chunk of layout {(data.IsEmpty ? "(empty)" : data[0].ToString(System.Globalization.CultureInfo.InvariantCulture))}, which this reader does not know (it reads {ScalarChunkFormat.Version})");
        }

        var lengthBytes = Events.ProtobufVarint.Read(data[1..], out var packedLength);
        if (lengthBytes == 0)
        {
            throw new InvalidDataException("damaged index chunk: its packed length is cut off");
        }

        var packedStart = 1 + lengthBytes;
        if (packedLength > (ulong)(data.Length - packedStart) || (ulong)count * 4 > packedLength * 8)
        {
            throw new InvalidDataException($"damaged index chunk: {count} scalars cannot fit in {packedLength} packed bytes of {data.Length}");
        }

        var ids = ArrayPool<uint>.Shared.Rent(count);
        var stepDeltas = ArrayPool<long>.Shared.Rent(count);
        var timeDeltas = ArrayPool<long>.Shared.Rent(count);
        var values = ArrayPool<double>.Shared.Rent(count);
        try
        {
            PackedScalarDecoder.Decode(data.Slice(packedStart, (int)packedLength), ids.AsSpan(0, count), stepDeltas.AsSpan(0, count), timeDeltas.AsSpan(0, count), values.AsSpan(0, count));
            long step = 0;
            var time = firstTime;
            for (var i = 0; i < count; i++)
            {
                if (ids[i] != 0)
                {
                    throw new InvalidDataException($"damaged index chunk: scalar {i} names metric {ids[i]}; a chunk holds one metric");
                }

                step += stepDeltas[i];
                time += timeDeltas[i];
                steps[i] = step;
                times[i] = time;
                bits[i] = BitConverter.DoubleToInt64Bits(values[i]);
            }
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(stepDeltas);
            ArrayPool<long>.Shared.Return(timeDeltas);
            ArrayPool<double>.Shared.Return(values);
        }

        var reader = new BitReader(data[(packedStart + (int)packedLength)..]);
        sequences[0] = firstSequence;
        ulong gap = 1;
        for (var i = 1; i < count; i++)
        {
            gap += (ulong)PackedScalarDecoder.ReadSigned(ref reader);
            if (gap == 0 || gap > ulong.MaxValue - sequences[i - 1])
            {
                throw new InvalidDataException($"damaged index chunk: scalar {i}'s sequence number does not follow scalar {i - 1}'s");
            }

            sequences[i] = sequences[i - 1] + gap;
        }
    }
}
