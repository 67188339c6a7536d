using System.Runtime.InteropServices;

namespace Repro.Pipeline;

/// <summary>
/// A bounded multi-producer, multi-consumer queue of <see cref="ScalarEntry"/> without locks or
/// allocation (Dmitry Vyukov's bounded queue: each cell carries a sequence number that says whose
/// turn it is). The writer thread is the consumer; producers also dequeue when they drop the oldest.
/// </summary>
internal sealed class ScalarRing
{
    private readonly Cell[] _cells;
    private readonly long _mask;
    private PaddedCounter _enqueue;
    private PaddedCounter _dequeue;
    private PaddedCounter _dropped;

    public ScalarRing(int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be a power of two of at least 2.");
        }

        _cells = new Cell[capacity];
        _mask = capacity - 1;
        for (var i = 0; i < capacity; i++)
        {
            _cells[i].Sequence = i;
        }
    }

    public int Capacity => _cells.Length;

    /// <summary>Entries ever claimed by producers (published or about to be).</summary>
    public long EnqueuePosition => Volatile.Read(ref _enqueue.Value);

    /// <summary>Entries ever taken out: written by the consumer or dropped by producers.</summary>
    public long DequeuePosition => Volatile.Read(ref _dequeue.Value);

    /// <summary>Entries discarded by a drop policy.</summary>
    public long Dropped => Volatile.Read(ref _dropped.Value);

    public bool TryEnqueue(in ScalarEntry entry)
    {
        var position = Volatile.Read(ref _enqueue.Value);
        while (true)
        {
            ref var cell = ref _cells[position & _mask];
            var difference = Volatile.Read(ref cell.Sequence) - position;
            if (difference == 0)
            {
                var observed = Interlocked.CompareExchange(ref _enqueue.Value, position + 1, position);
                if (observed == position)
                {
                    cell.Entry = entry;
                    Volatile.Write(ref cell.Sequence, position + 1);
                    return true;
                }

                position = observed;
            }
            else if (difference < 0)
            {
                return false; // full: the cell still holds an entry from one lap ago
            }
            else
            {
                position = Volatile.Read(ref _enqueue.Value);
            }
        }
    }

    public bool TryDequeue(out ScalarEntry entry)
    {
        var position = Volatile.Read(ref _dequeue.Value);
        while (true)
        {
            ref var cell = ref _cells[position & _mask];
            var difference = Volatile.Read(ref cell.Sequence) - (position + 1);
            if (difference == 0)
            {
                var observed = Interlocked.CompareExchange(ref _dequeue.Value, position + 1, position);
                if (observed == position)
                {
                    entry = cell.Entry;
                    Volatile.Write(ref cell.Sequence, position + _mask + 1);
                    return true;
                }

                position = observed;
            }
            else if (difference < 0)
            {
                entry = default;
                return false; // empty, or the next entry is claimed but not yet published
            }
            else
            {
                position = Volatile.Read(ref _dequeue.Value);
            }
        }
    }

    /// <summary>
    /// Takes up to <c>destination.Length</c> consecutive published entries with a single CAS (the
    /// consumer's fast path), none at or after <paramref name="endPosition"/>; returns how many.
    /// </summary>
    /// <remarks>
    /// The end is a ring position, not a count: producers that drop the oldest move the dequeue
    /// position between the caller's look and this call, and a count taken from the stale position
    /// would reach past a control event's barrier.
    /// </remarks>
    public int TryDequeueMany(Span<ScalarEntry> destination, long endPosition = long.MaxValue)
    {
        while (true)
        {
            var position = Volatile.Read(ref _dequeue.Value);
            var max = (int)Math.Min(destination.Length, Math.Max(0, endPosition - position));
            var count = 0;
            while (count < max && Volatile.Read(ref _cells[(position + count) & _mask].Sequence) == position + count + 1)
            {
                count++;
            }

            if (count == 0)
            {
                return 0;
            }

            if (Interlocked.CompareExchange(ref _dequeue.Value, position + count, position) != position)
            {
                continue; // a producer dropping the oldest took some first; look again
            }

            for (var i = 0; i < count; i++)
            {
                ref var cell = ref _cells[(position + i) & _mask];
                destination[i] = cell.Entry;
                Volatile.Write(ref cell.Sequence, position + i + _mask + 1);
            }

            return count;
        }
    }

    /// <summary>Enqueues under <paramref name="policy"/>; false only when the entry was dropped.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="policy">What to do when full.</param>
    /// <param name="giveUp">For <see cref="BufferFullPolicy.Block"/>: stop waiting (the consumer is gone) and drop.</param>
    public bool Enqueue(in ScalarEntry entry, BufferFullPolicy policy, in bool giveUp)
    {
        if (TryEnqueue(entry))
        {
            return true;
        }

        switch (policy)
        {
            case BufferFullPolicy.DropNewest:
                Interlocked.Increment(ref _dropped.Value);
                return false;
            case BufferFullPolicy.DropOldest:
                while (!TryEnqueue(entry))
                {
                    if (TryDequeue(out _))
                    {
                        Interlocked.Increment(ref _dropped.Value);
                    }
                }

                return true;
            default:
                var spinner = default(SpinWait);
                while (!TryEnqueue(entry))
                {
                    // Full. Wait until a quarter of the ring (at least one cell) is free, watching the
                    // consumer's counter (written once per batch) rather than the cells it is freeing:
                    // polling those would bounce each cell's cache line between the two cores.
                    var roomAt = Volatile.Read(ref _enqueue.Value) - _cells.Length + Math.Max(1, _cells.Length >> 2);
                    do
                    {
                        if (Volatile.Read(in giveUp))
                        {
                            Interlocked.Increment(ref _dropped.Value);
                            return false;
                        }

                        // Also when the counter already says there is room: the consumer may have
                        // claimed cells it has not released yet.
                        spinner.SpinOnce(sleep1Threshold: -1);
                    }
                    while (Volatile.Read(ref _dequeue.Value) < roomAt);
                }

                return true;
        }
    }

    private struct Cell
    {
        public long Sequence;
        public ScalarEntry Entry;
    }

    // One counter per cache line, so producers and the consumer do not slow each other down.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedCounter
    {
        [FieldOffset(64)]
        public long Value;
    }
}
