using Google.Protobuf;
using Repro.Events;
using Repro.Pipeline;
using Repro.Tests.Shared;
using Repro.Wal;

namespace Repro.Runtime.Tests.Faults;

[Collection(SequentialRuns.Name)]
public class CorruptionFuzzTests
{
    private const int CasesPerKind = 1000;

    [Theory]
    [InlineData("flip", 1401)]
    [InlineData("truncate", 1402)]
    [InlineData("overwrite", 1403)]
    public void Damaged_logs_never_throw_never_return_a_corrupt_event_and_say_where(string kind, int seed)
    {
        using var home = new TemporaryDirectory("repro-fuzz");
        var wal = WriteMultiSegmentRun(home.Path);
        var originals = WalReader.ListSegments(wal).ToDictionary(p => p, File.ReadAllBytes);
        var written = WalEventReader.Read(wal).ToDictionary(e => e.EventId, Strip);
        var lastSequence = (ulong)written.Count;
        var segments = originals.Keys.ToArray();
        // A fixed seed per kind (string.GetHashCode differs in every process), in every failure message.
        var random = new Random(seed);

        for (var i = 0; i < CasesPerKind; i++)
        {
            var segment = segments[random.Next(segments.Length)];
            var bytes = (byte[])originals[segment].Clone();
            var at = random.Next(bytes.Length);
            switch (kind)
            {
                case "flip":
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case "truncate":
                    bytes = bytes[..at];
                    break;
                default:
                    var garbage = new byte[Math.Min(random.Next(1, 64), bytes.Length - at)];
                    random.NextBytes(garbage);
                    garbage.CopyTo(bytes, at);
                    break;
            }

            File.WriteAllBytes(segment, bytes);
            var problems = new List<WalCorruption>();
            List<Event> read;
            try
            {
                read = WalEventReader.Read(wal, problems.Add, lastSequence).ToList();
            }
            finally
            {
                File.WriteAllBytes(segment, originals[segment]);
            }

            var context = $"{kind} (seed {seed}) case {i}: {Path.GetFileName(segment)} at {at}";
            foreach (var evt in read)
            {
                Assert.True(written.TryGetValue(evt.EventId, out var original), context + ": an event that was never written");
                Assert.True(original.Equals(Strip(evt)), context + $": event {evt.Sequence} differs from what was written");
            }

            Assert.Equal(read.Count, read.Select(e => e.EventId).Distinct().Count());
            // Loss is never silent; altered bytes are always detected, and located at or before the damage.
            if (read.Count < written.Count)
            {
                Assert.True(problems.Count > 0, context + $": {written.Count - read.Count} events lost without a report");
            }

            // Random garbage can repeat some original bytes, so the damage starts at the first byte that differs, not at "at".
            var firstChanged = bytes.AsSpan().CommonPrefixLength(originals[segment]);
            if (kind != "truncate" && firstChanged < bytes.Length)
            {
                Assert.True(
                    problems.Any(p => p.SegmentPath == segment && p.Offset <= firstChanged),
                    context + $": the first changed byte is at {firstChanged}; reported: {string.Join(" | ", problems)}");
            }

            Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Reason)));
        }
    }

    [Fact]
    public void Damage_in_the_middle_of_a_segment_is_skipped_and_reading_resumes_after_it()
    {
        using var home = new TemporaryDirectory("repro-fuzz");
        var wal = WriteMultiSegmentRun(home.Path);
        var segment = WalReader.ListSegments(wal)[0];
        var records = WalReader.ReadSegment(segment).ToList();
        var victim = records[records.Count / 2];
        var bytes = File.ReadAllBytes(segment);
        bytes[victim.Offset + WalFormat.HeaderSize] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);
        var problems = new List<WalCorruption>();

        var survivors = WalReader.ReadSegment(segment, problems.Add).ToList();

        var problem = Assert.Single(problems);
        Assert.Equal(victim.Offset, problem.Offset);
        Assert.Equal(victim.Offset + WalFraming.FrameSize(victim.Payload.Length), problem.ResumedAt);
        Assert.False(problem.IsTail);
        Assert.Equal(records.Count - 1, survivors.Count);
        Assert.DoesNotContain(survivors, r => r.Offset == victim.Offset);
    }

    /// <summary>A run spread over many small segments, with declarations, batches, text and lifecycle events.</summary>
    private static string WriteMultiSegmentRun(string home)
    {
        var loss = new MetricDeclaration("loss");
        var lr = new MetricDeclaration("lr", tags: new Dictionary<string, string> { ["group"] = "0" });
        using var run = Run.Start(new RunOptions { Home = home, Pipeline = new EventPipelineOptions { SegmentSizeBytes = 4096, MaxBatchSize = 8 } });
        for (var i = 0; i < 600; i++)
        {
            run.LogScalar(i % 3 == 0 ? lr : loss, i, Math.Sin(i));
            if (i % 100 == 0)
            {
                run.LogText($"step {i}");
                run.Flush(); // small records, many of them
            }
        }

        return Path.Combine(run.Directory, "wal");
    }

    /// <summary>An event without what readers take from the segment header (source, run id).</summary>
    private static Event Strip(Event evt)
    {
        var copy = evt.Clone();
        copy.Source = null;
        copy.RunId = ByteString.Empty;
        return copy;
    }
}
