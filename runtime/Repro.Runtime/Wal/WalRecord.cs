namespace Repro.Wal;

/// <summary>One intact record read back from a WAL segment.</summary>
/// <param name="Offset">Byte offset of the record's header in its segment.</param>
/// <param name="Payload">The record's payload, CRC-checked.</param>
public readonly record struct WalRecord(long Offset, ReadOnlyMemory<byte> Payload);

/// <summary>Where and why a WAL segment stopped being readable.</summary>
/// <param name="SegmentPath">The segment file.</param>
/// <param name="Offset">Byte offset of the first record that could not be read.</param>
/// <param name="Reason">What was wrong, in words.</param>
public sealed record WalCorruption(string SegmentPath, long Offset, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{SegmentPath} at offset {Offset}: {Reason}";
}
