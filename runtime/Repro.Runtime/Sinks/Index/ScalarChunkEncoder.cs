using Repro.Events;
using Repro.Events.Packing;
using Repro.Pipeline;

namespace Repro.Sinks.Index;

/// <summary>
/// Encodes one metric's consecutive scalars into the <c>data</c> of an index chunk (see docs/formats/events.md,
/// "Index chunks"): the log's packed scalar stream for steps, times and values, then the scalars' sequence numbers
/// as changes of their gaps. A metric logged every step costs a bit or two per scalar beyond its value's changing bits.
/// </summary>
/// <remarks>Owned by one index connection; the bytes returned stay valid until the next call.</remarks>
internal sealed class ScalarChunkEncoder
{
    private readonly PackedScalarEncoder _packer = new();
    private byte[] _output = [];
    private byte[] _sequenceBits = [];

    /// <summary>
    /// Encodes <paramref name="entries"/> (times in Unix nanoseconds, <see cref="ScalarEntry.MetricId"/> 0, values as
    /// their 64 bits) with their <paramref name="sequences"/>, which must increase.
    /// </summary>
    public ReadOnlySpan<byte> Encode(ReadOnlySpan<ScalarEntry> entries, ReadOnlySpan<ulong> sequences)
    {
        if (entries.Length == 0 || entries.Length != sequences.Length)
        {
            throw new ArgumentException("a chunk needs one sequence number for each of at least one scalar", nameof(sequences));
        }

        var packedLength = _packer.Pack(entries, entries[0].Timestamp, clock: null);
        var sequenceWorstCase = (sequences.Length * 9) + 16;
        var size = 1 + ProtobufVarint.Size((ulong)packedLength) + packedLength + sequenceWorstCase;
        if (_output.Length < size)
        {
            _output = new byte[Math.Max(size, _output.Length * 2)];
        }

        _output[0] = ScalarChunkFormat.Version;
        var at = 1 + ProtobufVarint.Write(_output.AsSpan(1), (ulong)packedLength);
        _packer.Packed(packedLength).CopyTo(_output.AsSpan(at));
        at += packedLength;

        // Gaps between sequence numbers, as the change from the previous gap (the first gap counts as 1): a metric
        // alone in its batches or logged in a fixed round with others costs one bit a scalar.
        if (_sequenceBits.Length < sequenceWorstCase)
        {
            _sequenceBits = new byte[Math.Max(sequenceWorstCase, _sequenceBits.Length * 2)];
        }

        var bits = new BitWriter(_sequenceBits);
        ulong previousGap = 1;
        for (var i = 1; i < sequences.Length; i++)
        {
            if (sequences[i] <= sequences[i - 1])
            {
                throw new ArgumentException($"sequence numbers must increase: {sequences[i]} follows {sequences[i - 1]}", nameof(sequences));
            }

            var gap = sequences[i] - sequences[i - 1];
            PackedScalarEncoder.WriteSigned(ref bits, (long)(gap - previousGap));
            previousGap = gap;
        }

        var sequenceLength = bits.Finish();
        _sequenceBits.AsSpan(0, sequenceLength).CopyTo(_output.AsSpan(at));
        return _output.AsSpan(0, at + sequenceLength);
    }
}
