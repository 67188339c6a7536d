namespace Repro.Wal;

/// <summary>
/// Appends framed records to one WAL segment file: the simple, synchronous way to write a WAL
/// (tools and tests). Runs use the background pipeline instead.
/// </summary>
/// <remarks>
/// Not thread-safe: one writer owns a segment. <see cref="Flush"/> hands buffered bytes to the
/// operating system (they survive a process crash); <see cref="FlushDurable"/> also fsyncs them
/// (they survive a power loss).
/// </remarks>
public sealed class WalWriter : IDisposable
{
    private readonly FileStream _stream;

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

        var frame = new byte[WalFraming.FrameSize(payload.Length)];
        payload.CopyTo(frame.AsSpan(WalFormat.HeaderSize));
        WalFraming.FrameInPlace(frame, payload.Length);
        _stream.Write(frame);
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
