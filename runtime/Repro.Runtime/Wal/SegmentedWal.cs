namespace Repro.Wal;

/// <summary>
/// The files of one run's WAL: appends framed bytes to the current segment, starts a new segment
/// once it reaches its size, and fsyncs by group commit (interval or byte threshold) or on demand.
/// </summary>
/// <remarks>Single-threaded: owned by the run's writer thread.</remarks>
internal sealed class SegmentedWal : IDisposable
{
    private readonly string _directory;
    private readonly long _segmentSize;
    private readonly Func<int, byte[]> _segmentHeader;
    private FileStream _stream;
    private long _unsyncedBytes;

    /// <param name="directory">The WAL folder (created owner-only by the caller).</param>
    /// <param name="segmentSize">Rotation threshold.</param>
    /// <param name="segmentHeader">Framed header record for segment n, written first in every segment.</param>
    public SegmentedWal(string directory, long segmentSize, Func<int, byte[]> segmentHeader)
    {
        _directory = directory;
        _segmentSize = segmentSize;
        _segmentHeader = segmentHeader;
        _stream = Open(1);
    }

    public int SegmentIndex { get; private set; } = 1;

    /// <summary>Bytes appended since the last fsync.</summary>
    public long UnsyncedBytes => _unsyncedBytes;

    /// <summary>Hands <paramref name="framedRecords"/> to the operating system in one write.</summary>
    public void Write(ReadOnlySpan<byte> framedRecords)
    {
        _stream.Write(framedRecords);
        _unsyncedBytes += framedRecords.Length;
        if (_stream.Length >= _segmentSize)
        {
            Rotate();
        }
    }

    /// <summary>fsync: everything written so far survives a power loss.</summary>
    public void Sync()
    {
        _stream.Flush(flushToDisk: true);
        _unsyncedBytes = 0;
    }

    public void Dispose()
    {
        Sync();
        _stream.Dispose();
    }

    /// <summary>Closes the segment after a failure, keeping the first error: the disk that failed a write may fail the close too.</summary>
    public void DisposeQuietly()
    {
        try
        {
            _stream.Dispose();
        }
#pragma warning disable CA1031 // Any error here is a consequence of the one already reported.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void Rotate()
    {
        // A closed segment is complete and durable before the next one exists.
        Sync();
        _stream.Dispose();
        SegmentIndex++;
        _stream = Open(SegmentIndex);
    }

    private FileStream Open(int index)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            BufferSize = 0, // the writer hands over whole batches: one write system call each
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Storage.ReproHome.OwnerOnlyFile;
        }

        var stream = new FileStream(Path.Combine(_directory, WalFormat.SegmentFileName(index)), options);
        try
        {
            var header = _segmentHeader(index);
            stream.Write(header);
            _unsyncedBytes += header.Length;
            // The segment's name must be as durable as its bytes: fsync the folder that holds it.
            Storage.DirectorySync.Flush(_directory);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
