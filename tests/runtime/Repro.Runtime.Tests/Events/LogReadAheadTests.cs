using Google.Protobuf;
using Repro.Events;
using Repro.Tests.Shared;
using Repro.Wal;
using Record = Repro.Events.Record;

namespace Repro.Runtime.Tests.Events;

public class LogReadAheadTests
{
    [Fact]
    public void Parts_hold_every_record_past_the_cursor_once_in_order_cut_at_whole_records()
    {
        using var wal = new TemporaryDirectory();
        var expected = WriteLog(wal.Path, batches: 40, renameAt: null);

        var parts = LogReadAhead.Parts(Read(wal.Path), after: 0, partSize: 250).ToList();

        Assert.Equal(expected, parts.SelectMany(p => p.Records).SelectMany(Sequences));
        Assert.All(parts.SkipLast(1), p => Assert.InRange(p.Records.Sum(r => LogReadAhead.Extent(r.Record).Count), 250, 250 + 99));
        Assert.All(parts, p => Assert.Equal(p.Records.SelectMany(Sequences).Last(), p.LastSequence));
    }

    [Fact]
    public void A_read_resumed_at_a_parts_checkpoint_past_its_last_sequence_gives_exactly_the_records_after_it()
    {
        using var wal = new TemporaryDirectory();
        var expected = WriteLog(wal.Path, batches: 40, renameAt: null);
        var parts = LogReadAhead.Parts(Read(wal.Path), after: 0, partSize: 700).ToList();

        foreach (var part in parts.SkipLast(1))
        {
            var rest = LogReadAhead.Parts(Read(wal.Path, part.Checkpoint), part.LastSequence, partSize: 700).SelectMany(p => p.Records).SelectMany(Sequences);
            Assert.Equal(expected.Where(s => s > part.LastSequence), rest);
        }
    }

    [Fact]
    public void An_id_declared_again_for_another_metric_ends_the_part_so_each_batch_keeps_the_name_it_was_logged_under()
    {
        using var wal = new TemporaryDirectory();
        WriteLog(wal.Path, batches: 10, renameAt: 5);

        var parts = LogReadAhead.Parts(Read(wal.Path), after: 0, partSize: int.MaxValue).ToList();

        Assert.Equal(2, parts.Count);
        Assert.Equal("loss", parts[0].Metrics[0].Name);
        Assert.Equal("renamed", parts[1].Metrics[0].Name);
        Assert.Equal(5, parts[0].Records.Count(r => r.Record.BodyCase == Record.BodyOneofCase.Scalars));
        Assert.Equal(5, parts[1].Records.Count(r => r.Record.BodyCase == Record.BodyOneofCase.Scalars));
    }

    [Fact]
    public void Stopping_early_stops_the_reader_and_a_damaged_record_is_reported_not_thrown()
    {
        using var wal = new TemporaryDirectory();
        WriteLog(wal.Path, batches: 400, renameAt: null);
        var segment = WalReader.ListSegments(wal.Path)[0];
        var bytes = File.ReadAllBytes(segment);
        bytes[bytes.Length / 2] ^= 0x55;
        File.WriteAllBytes(segment, bytes);
        var problems = new List<WalCorruption>();

        var first = LogReadAhead.Parts(Read(wal.Path), after: 0, partSize: 100).First();
        var all = LogReadAhead.Parts(new WalRecordSequence(wal.Path, problems.Add, null, null), after: 0, partSize: 100).SelectMany(p => p.Records).Count();

        Assert.NotEmpty(first.Records);
        Assert.NotEmpty(problems);
        Assert.Equal(1 + 400 + 100 - 1, all); // the declaration, the batches and the notes, less the damaged record
    }

    private static WalRecordSequence Read(string wal, ReplayCheckpoint? resumeAt = null) => new(wal, null, null, resumeAt);

    private static IEnumerable<ulong> Sequences(LogRecord record)
    {
        var (count, last) = LogReadAhead.Extent(record.Record);
        for (var s = last + 1 - (ulong)count; s <= last; s++)
        {
            yield return s;
        }
    }

    /// <summary>
    /// A log of one metric (id 0) in batches of 100 scalars with a text event after every fourth batch; when
    /// <paramref name="renameAt"/> is given, id 0 is declared again before that batch as another metric.
    /// </summary>
    private static List<ulong> WriteLog(string directory, int batches, int? renameAt)
    {
        var runId = ByteString.CopyFrom(Ulid.NewUlid().ToByteArray());
        var sequences = new List<ulong>();
        ulong next = 1;
        using var writer = new WalWriter(Path.Combine(directory, "00000001" + WalFormat.SegmentExtension));
        void Append(Record record) => writer.Append(record.ToByteArray());
        Event Declare(string name) => new() { EventId = Id(next), Sequence = next, Name = name, MetricDeclared = new MetricDeclared { MetricId = 0 } };
        Append(new Record { Header = new SegmentHeader { SchemaVersion = SchemaVersion._1, RunId = runId, SegmentIndex = 1 } });
        Append(new Record { Event = Declare("loss") });
        sequences.Add(next++);
        for (var b = 0; b < batches; b++)
        {
            if (b == renameAt)
            {
                Append(new Record { Event = Declare("renamed") });
                sequences.Add(next++);
            }

            var batch = new ScalarBatch { FirstEventId = Id(next), FirstSequence = next, FirstTimestampUnixNanos = 1_700_000_000_000_000_000 };
            for (var i = 0; i < 100; i++)
            {
                batch.MetricIds.Add(0);
                batch.StepDeltas.Add(i == 0 ? b * 100 : 1);
                batch.TimestampDeltasNanos.Add(1_000);
                batch.Values.Add((b * 100) + i);
                sequences.Add(next++);
            }

            Append(new Record { Scalars = batch });
            if (b % 4 == 3)
            {
                Append(new Record { Event = new Event { EventId = Id(next), Sequence = next, Name = "note", Text = new Text { Message = $"batch {b}" } } });
                sequences.Add(next++);
            }
        }

        return sequences;
    }

    private static ByteString Id(ulong sequence)
    {
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes.AsSpan(8), sequence);
        return ByteString.CopyFrom(bytes);
    }
}
