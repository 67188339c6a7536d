namespace Repro.Wal;

/// <summary>One intact record read back from a WAL segment.</summary>
/// <param name="Offset">Byte offset of the record's header in its segment.</param>
/// <param name="Payload">The record's payload, CRC-checked.</param>
public readonly record struct WalRecord(long Offset, ReadOnlyMemory<byte> Payload);

/// <summary>A damaged stretch of a WAL segment: where, why, and where intact records resume.</summary>
/// <param name="SegmentPath">The segment file.</param>
/// <param name="Offset">Byte offset of the first record that could not be read.</param>
/// <param name="Reason">What was wrong, in words.</param>
/// <param name="ResumedAt">Offset of the next intact record, or null when none follows (a torn tail).</param>
public sealed record WalCorruption(string SegmentPath, long Offset, string Reason, long? ResumedAt = null)
{
    /// <summary>Whether nothing intact follows the damage, as after a crash mid-write.</summary>
    public bool IsTail => ResumedAt is null;

    /// <inheritdoc />
    public override string ToString() => ResumedAt is { } resumed
        ? $"{SegmentPath} at offset {Offset}: {Reason}; {resumed - Offset} bytes skipped, reading resumed at offset {resumed}"
        : $"{SegmentPath} at offset {Offset}: {Reason}; nothing intact follows";
}
