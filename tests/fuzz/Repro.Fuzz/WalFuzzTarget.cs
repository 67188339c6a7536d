using Repro.Events;
using Repro.Wal;

namespace Repro.Fuzz;

/// <summary>
/// The WAL readers' contract, checked on one arbitrary segment: whatever the bytes, reading never
/// throws and always ends; every record returned lies inside the file, in order; every damaged
/// stretch is reported inside the file; and a read resumed from any checkpoint returns exactly what
/// the full read returned after that point. Any violation throws, which the fuzzer records as a crash.
/// Used by the coverage-guided fuzzer (eng/fuzz) and by the test that replays its corpus in CI.
/// </summary>
public static class WalFuzzTarget
{
    /// <summary>Checks the contract on <paramref name="segment"/>, written as the only segment of a WAL in <paramref name="scratchDirectory"/>.</summary>
    public static void Check(ReadOnlySpan<byte> segment, string scratchDirectory)
    {
        Directory.CreateDirectory(scratchDirectory);
        foreach (var old in Directory.GetFiles(scratchDirectory))
        {
            File.Delete(old);
        }

        var path = Path.Combine(scratchDirectory, WalFormat.SegmentFileName(1));
        File.WriteAllBytes(path, segment.ToArray());
        CheckRecords(path, segment.Length);
        CheckEventsAndResume(scratchDirectory);
    }

    private static void CheckRecords(string path, long length)
    {
        long previousEnd = 0;
        var problems = new List<WalCorruption>();
        foreach (var record in WalReader.ReadSegment(path, problems.Add))
        {
            var end = record.Offset + WalFraming.FrameSize(record.Payload.Length);
            Require(record.Offset >= previousEnd && end <= length, $"record at {record.Offset} (to {end}) overlaps the previous one or leaves the file of {length} bytes");
            Require(WalReader.IsRecordAt(path, record.Offset), $"a record was returned at {record.Offset} but IsRecordAt denies it");
            previousEnd = end;
        }

        foreach (var problem in problems)
        {
            Require(problem.Offset >= 0 && problem.Offset <= length, $"damage reported at {problem.Offset}, outside the file");
            Require(problem.ResumedAt is null || (problem.ResumedAt > problem.Offset && problem.ResumedAt < length), $"reading resumed at {problem.ResumedAt} after damage at {problem.Offset}");
        }
    }

    private static void CheckEventsAndResume(string walDirectory)
    {
        var full = WalEventReader.ReadFrom(walDirectory, null, _ => { });
        var events = new List<(ulong Sequence, string Id)>();
        var checkpoints = new List<(int Index, ReplayCheckpoint Checkpoint)>();
        foreach (var evt in full)
        {
            events.Add((evt.Sequence, Convert.ToHexString(evt.EventId.Span)));
            if (events.Count % 7 == 1 && full.Checkpoint() is { } checkpoint)
            {
                checkpoints.Add((events.Count - 1, checkpoint));
            }
        }

        foreach (var (index, checkpoint) in checkpoints.Take(4))
        {
            var resumed = WalEventReader.ReadFrom(walDirectory, checkpoint, _ => { });
            var again = resumed.Select(e => (e.Sequence, Convert.ToHexString(e.EventId.Span))).ToList();
            // A checkpoint is trusted only when the segment's first record, which identifies the log, is intact.
            var path = Path.Combine(walDirectory, WalFormat.SegmentFileName(1));
            Require(resumed.Resumed == WalReader.IsRecordAt(path, 0), $"the checkpoint taken after event {index} was {(resumed.Resumed ? "used" : "refused")} with the first record {(WalReader.IsRecordAt(path, 0) ? "intact" : "damaged")}");
            // A resumed read starts at the checkpoint's record, so it repeats that record's earlier events:
            // what it returns must be a suffix of the full read that includes the event the checkpoint followed.
            var start = events.Count - again.Count;
            Require(start >= 0 && start <= index, $"resumed after event {index}, the read returned {again.Count} of {events.Count} events");
            Require(events.Skip(start).SequenceEqual(again), $"resumed after event {index}, the read differs from the full read");
        }
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("WAL reader contract broken: " + what);
        }
    }
}
