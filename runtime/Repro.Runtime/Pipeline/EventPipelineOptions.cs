namespace Repro.Pipeline;

/// <summary>How a run buffers, batches and commits its events. Validated when the run starts.</summary>
public sealed class EventPipelineOptions
{
    /// <summary>
    /// Scalars the in-memory buffer of each logging thread holds (a power of two): every thread that logs into the
    /// run gets a buffer of its own, made when it first logs. Default 65,536 (2 MiB a thread).
    /// </summary>
    public int BufferCapacity { get; init; } = 1 << 16;

    /// <summary>What logging does when the buffer is full. Default <see cref="BufferFullPolicy.Block"/>.</summary>
    public BufferFullPolicy FullPolicy { get; init; } = BufferFullPolicy.Block;

    /// <summary>Scalars the writer packs into one WAL record at most. Default 8,192.</summary>
    public int MaxBatchSize { get; init; } = 8192;

    /// <summary>
    /// Whether scalar batches are written packed (a bit stream of XORed values and predicted ids, steps and times,
    /// about 1 to 4 bytes a scalar) or in the column form of earlier versions (about 11). Default true. Readers read
    /// both; false only serves tools that read the column form alone. See docs/formats/events.md.
    /// </summary>
    public bool PackScalars { get; init; } = true;

    /// <summary>A new WAL segment starts once the current one reaches this size. Default 64 MiB.</summary>
    public long SegmentSizeBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Group commit: written events are fsynced at least this often. Default 1 s.
    /// <see cref="Timeout.InfiniteTimeSpan"/> leaves fsync to <c>FlushDurable</c>, rotation and the end of the run.
    /// </summary>
    public TimeSpan FsyncInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Group commit: written events are fsynced once this many bytes await it. Default 16 MiB.</summary>
    public long FsyncBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>How precisely scalars are timestamped. Default <see cref="TimestampPrecision.Coarse"/>.</summary>
    public TimestampPrecision Timestamps { get; init; } = TimestampPrecision.Coarse;

    /// <summary>
    /// How long the writer may hold scalars before handing them to the operating system when nothing asks for them
    /// sooner. Default 100 ms. They go at once when a batch's worth (<see cref="MaxBatchSize"/>, or half the buffer)
    /// is waiting, when any other event is logged, on <c>Flush</c>/<c>FlushDurable</c> and at the end of the run.
    /// Longer batches pack better (every batch starts its predictions afresh and carries about 50 bytes of framing);
    /// <see cref="TimeSpan.Zero"/> writes on every pass. What a kill can lose is what was logged but not flushed in
    /// this window.
    /// </summary>
    public TimeSpan MaxWriteDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the writer sleeps when it finds nothing to write. Default 1 ms.</summary>
    public TimeSpan IdleWait { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (BufferCapacity < 64 || BufferCapacity > (1 << 26) || (BufferCapacity & (BufferCapacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BufferCapacity), BufferCapacity, "BufferCapacity must be a power of two from 64 to 67,108,864.");
        }

        if (!Enum.IsDefined(FullPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(FullPolicy), FullPolicy, "Unknown buffer-full policy.");
        }

        if (!Enum.IsDefined(Timestamps))
        {
            throw new ArgumentOutOfRangeException(nameof(Timestamps), Timestamps, "Unknown timestamp precision.");
        }

        if (MaxBatchSize < 1 || MaxBatchSize > 1 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be from 1 to 1,048,576.");
        }

        if (MaxWriteDelay < TimeSpan.Zero || MaxWriteDelay > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWriteDelay), MaxWriteDelay, "MaxWriteDelay must be from 0 to 10 seconds.");
        }

        if (SegmentSizeBytes < 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSizeBytes), SegmentSizeBytes, "SegmentSizeBytes must be at least 4096.");
        }

        if (FsyncInterval != Timeout.InfiniteTimeSpan && FsyncInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FsyncInterval), FsyncInterval, "FsyncInterval must be zero or more, or infinite.");
        }

        if (FsyncBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(FsyncBytes), FsyncBytes, "FsyncBytes must be positive.");
        }

        if (IdleWait <= TimeSpan.Zero || IdleWait > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(IdleWait), IdleWait, "IdleWait must be more than zero and at most one second.");
        }
    }
}
