using System.Buffers.Binary;

namespace Repro.Wal;

/// <summary>
/// Appends framed records to one WAL segment file.
/// </summary>
/// <remarks>
/// Not thread-safe: one writer owns a segment. <see cref="Flush"/> hands buffered bytes to the
/// operating system (they survive a process crash); <see cref="FlushDurable"/> also fsyncs them
/// (they survive a power loss).
/// </remarks>
public sealed class WalWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly byte[] _header = new byte[WalFormat.HeaderSize];
    private readonly byte[] _footer = new byte[WalFormat.FooterSize];

    /// <summary>Opens (or creates) <paramref name="segmentPath"/> for appending, readable by the owner only.</summary>
    public WalWriter(string segmentPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(segmentPath);
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            BufferSize = 64 * 1024,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        _stream = new FileStream(segmentPath, options);
        SegmentPath = segmentPath;
    }

    /// <summary>Path of the segment this writer appends to.</summary>
    public string SegmentPath { get; }

    /// <summary>Bytes in the segment, including those still buffered.</summary>
    public long Length => _stream.Length;

    /// <summary>Appends one record holding <paramref name="payload"/>.</summary>
    public void Append(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > WalFormat.MaxPayloadSize)
        {
            throw new ArgumentException(
                $"A WAL record holds at most {WalFormat.MaxPayloadSize} bytes; this payload has {payload.Length}.",
                nameof(payload));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(_header, (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(sizeof(ulong)), Crc32C.ComputeMasked(_header.AsSpan(0, sizeof(ulong))));
        BinaryPrimitives.WriteUInt32LittleEndian(_footer, Crc32C.ComputeMasked(payload));
        _stream.Write(_header);
        _stream.Write(payload);
        _stream.Write(_footer);
    }

    /// <summary>Hands every appended record to the operating system: it survives a crash of this process.</summary>
    public void Flush() => _stream.Flush(flushToDisk: false);

    /// <summary>Writes every appended record to stable storage (fsync): it survives a power loss.</summary>
    public void FlushDurable() => _stream.Flush(flushToDisk: true);

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
    }
}
