using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Repro.Pipeline;

/// <summary>
/// One logging thread's bounded queue of <see cref="ScalarEntry"/>: a single-producer, single-consumer ring, so
/// that logging a scalar is a few plain stores into its cell and a release — no atomic read-modify-write, and no
/// cache line shared with other logging threads. The writer thread is the consumer. Dropping the oldest is the one
/// case where the producer also moves the head; both sides then advance it by compare-and-swap, and the consumer
/// keeps a copy only when its swap succeeds (see <see cref="TryDequeueMany"/>).
/// </summary>
internal sealed class ScalarLane
{
    private readonly ScalarEntry[] _cells;
    private readonly long _mask;
    private PaddedCounter _tail;
    private PaddedCounter _head;
    private Producer _producer;

    public ScalarLane(ScalarLanes owner, int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be a power of two of at least 2.");
        }

        Owner = owner;
        _cells = new ScalarEntry[capacity];
        _mask = capacity - 1;
    }

    /// <summary>The set this lane belongs to (a thread has one lane per run it logs into).</summary>
    public ScalarLanes Owner { get; }

    public int Capacity => _cells.Length;

    /// <summary>Entries ever published by the producer.</summary>
    public long Tail => Volatile.Read(ref _tail.Value);

    /// <summary>Entries ever taken out: by the consumer, or dropped by the producer.</summary>
    public long Head => Volatile.Read(ref _head.Value);

    /// <summary>Entries discarded by a drop policy (written by the producer alone).</summary>
    public long Dropped => Volatile.Read(ref _producer.Dropped);

    /// <summary>Writer only: the head when the writer last drained this lane, i.e. what its next write covers.</summary>
    public long Drained;

    /// <summary>Written by the writer: the position up to which this lane's entries are handed to the OS (or dropped).</summary>
    public long Written;

    /// <summary>Written by the writer: the position up to which they are fsynced.</summary>
    public long Synced;

    /// <summary>Written by the writer: the position up to which open intervals were snapshotted into the log.</summary>
    public long SnapshotWritten;

    /// <summary>Written by the writer: <see cref="SnapshotWritten"/> as of the last fsync.</summary>
    public long SnapshotSynced;

    /// <summary>
    /// Producer only: publishes an entry of these fields when there is room; false when the lane is full. The fields
    /// are stored straight into the cell: building an entry first and copying it measured as two more 32-byte copies
    /// on the logging thread.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnqueue(long timestamp, long step, double value, int metricId)
    {
        var tail = _tail.Value;
        if (tail - _producer.CachedHead >= _cells.Length)
        {
            // Looks full by the head seen last: read the consumer's progress, once per lap rather than per entry.
            _producer.CachedHead = Volatile.Read(ref _head.Value);
            if (tail - _producer.CachedHead >= _cells.Length)
            {
                return false;
            }
        }

        ref var cell = ref _cells[tail & _mask];
        cell.Timestamp = timestamp;
        cell.Step = step;
        cell.Value = value;
        cell.MetricId = metricId;
        Volatile.Write(ref _tail.Value, tail + 1);
        return true;
    }

    /// <summary>Producer only: enqueues an entry of these fields under <paramref name="policy"/>; false only when it was dropped.</summary>
    /// <param name="timestamp">The entry's <see cref="ScalarEntry.Timestamp"/>.</param>
    /// <param name="step">Its step.</param>
    /// <param name="value">Its value.</param>
    /// <param name="metricId">Its metric.</param>
    /// <param name="policy">What to do when full.</param>
    /// <param name="giveUp">For <see cref="BufferFullPolicy.Block"/>: stop waiting (the consumer is gone) and drop.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Enqueue(long timestamp, long step, double value, int metricId, BufferFullPolicy policy, in bool giveUp) =>
        TryEnqueue(timestamp, step, value, metricId) || EnqueueFull(timestamp, step, value, metricId, policy, in giveUp);

    // Apart from the fast path, so that the fast path stays small enough to inline; it takes the fields rather than
    // an entry so that the fast path does not set up an entry it never uses.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool EnqueueFull(long timestamp, long step, double value, int metricId, BufferFullPolicy policy, in bool giveUp)
    {
        Owner.WakeConsumer(); // whatever the policy, the writer is behind: it should not sleep out its wait
        switch (policy)
        {
            case BufferFullPolicy.DropNewest:
                CountDrop();
                return false;
            case BufferFullPolicy.DropOldest:
                while (!TryEnqueue(timestamp, step, value, metricId))
                {
                    // Take the oldest entry away from the consumer: whichever of the two moves the head first has it.
                    var head = Volatile.Read(ref _head.Value);
                    if (_tail.Value - head >= _cells.Length && Interlocked.CompareExchange(ref _head.Value, head + 1, head) == head)
                    {
                        CountDrop();
                    }
                }

                return true;
            default:
                var spinner = default(SpinWait);
                while (!TryEnqueue(timestamp, step, value, metricId))
                {
                    // Full: wait until the writer has freed a quarter of the lane (at least one cell), watching its
                    // head (written once per batch) rather than the cells it is freeing.
                    var roomAt = _tail.Value - _cells.Length + Math.Max(1, _cells.Length >> 2);
                    do
                    {
                        if (Volatile.Read(in giveUp))
                        {
                            CountDrop();
                            return false;
                        }

                        spinner.SpinOnce(sleep1Threshold: -1);
                    }
                    while (Volatile.Read(ref _head.Value) < roomAt);
                }

                return true;
        }
    }

    /// <summary>
    /// Consumer only: takes up to <c>destination.Length</c> published entries, none at or after
    /// <paramref name="endPosition"/>; returns how many.
    /// </summary>
    /// <remarks>
    /// The entries are copied first and kept only if the head is still where the copy began: a producer dropping
    /// the oldest moves the head before it overwrites a cell, so a copy that may hold an overwritten cell is discarded.
    /// </remarks>
    public int TryDequeueMany(Span<ScalarEntry> destination, long endPosition = long.MaxValue)
    {
        while (true)
        {
            var head = Volatile.Read(ref _head.Value);
            var end = Math.Min(Volatile.Read(ref _tail.Value), endPosition);
            var count = (int)Math.Min(destination.Length, Math.Max(0, end - head));
            if (count == 0)
            {
                return 0;
            }

            var start = (int)(head & _mask);
            var first = Math.Min(count, _cells.Length - start);
            _cells.AsSpan(start, first).CopyTo(destination);
            _cells.AsSpan(0, count - first).CopyTo(destination[first..]);
            if (Interlocked.CompareExchange(ref _head.Value, head + count, head) == head)
            {
                return count;
            }
        }
    }

    private void CountDrop() => Volatile.Write(ref _producer.Dropped, _producer.Dropped + 1);

    /// <summary>The producer's own fields, on a cache line of their own.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Producer
    {
        [FieldOffset(64)]
        public long CachedHead;

        [FieldOffset(72)]
        public long Dropped;
    }

    // One counter per cache line, so the producer and the consumer do not slow each other down.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedCounter
    {
        [FieldOffset(64)]
        public long Value;
    }
}
