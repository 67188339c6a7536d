using System.Buffers.Binary;
using Repro.Tests.Shared;
using Repro.Wal;

namespace Repro.Runtime.Tests.Wal;

public class WalRoundTripTests
{
    [Fact]
    public void Records_read_back_identical_and_in_order()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Combine(WalFormat.SegmentFileName(1));
        var random = new Random(11);
        var payloads = Enumerable.Range(0, 500).Select(i =>
        {
            var bytes = new byte[i % 50 == 0 ? 0 : random.Next(1, i % 7 == 0 ? 5000 : 64)];
            random.NextBytes(bytes);
            return bytes;
        }).ToList();

        using (var writer = new WalWriter(path))
        {
            foreach (var payload in payloads)
            {
                writer.Append(payload);
            }
        }

        WalCorruption? corruption = null;
        var records = WalReader.ReadSegment(path, c => corruption = c).ToList();

        Assert.Null(corruption);
        Assert.Equal(payloads.Count, records.Count);
        long offset = 0;
        for (var i = 0; i < payloads.Count; i++)
        {
            Assert.Equal(payloads[i], records[i].Payload.ToArray());
            Assert.Equal(offset, records[i].Offset);
            offset += WalFormat.HeaderSize + payloads[i].Length + WalFormat.FooterSize;
        }

        Assert.Equal(offset, new FileInfo(path).Length);
    }

    [Fact]
    public void Framing_is_TFRecord_length_masked_crc_payload_masked_crc()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Combine("00000001.log");
        byte[] payload = [1, 2, 3, 4, 5];
        using (var writer = new WalWriter(path))
        {
            writer.Append(payload);
        }

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(8 + 4 + 5 + 4, bytes.Length);
        Assert.Equal(5ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(Crc32C.Mask(Crc32C.Compute(bytes.AsSpan(0, 8))), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(payload, bytes[12..17]);
        Assert.Equal(Crc32C.Mask(Crc32C.Compute(payload)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(17)));
    }

    [Fact]
    public void A_torn_tail_at_any_byte_keeps_every_complete_record_and_reports_the_offset()
    {
        using var dir = new TemporaryDirectory();
        var source = dir.Combine("source.log");
        using (var writer = new WalWriter(source))
        {
            writer.Append([10, 11, 12]);
            writer.Append([20, 21, 22, 23]);
            writer.Append([30, 31, 32, 33, 34]);
        }

        var full = File.ReadAllBytes(source);
        var lastRecordOffset = (2 * WalFormat.HeaderSize) + 3 + 4 + (2 * WalFormat.FooterSize);
        for (var cut = lastRecordOffset + 1; cut < full.Length; cut++)
        {
            var torn = dir.Combine($"torn-{cut}.log");
            File.WriteAllBytes(torn, full[..cut]);
            WalCorruption? corruption = null;

            var records = WalReader.ReadSegment(torn, c => corruption = c).ToList();

            Assert.Equal(2, records.Count);
            Assert.NotNull(corruption);
            Assert.Equal(lastRecordOffset, corruption.Offset);
            Assert.Equal(torn, corruption.SegmentPath);
            Assert.Contains("truncated", corruption.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_flipped_payload_byte_is_reported_and_its_record_is_not_returned()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Combine("00000001.log");
        using (var writer = new WalWriter(path))
        {
            writer.Append([1, 2, 3]);
            writer.Append([4, 5, 6]);
        }

        var bytes = File.ReadAllBytes(path);
        var second = WalFormat.HeaderSize + 3 + WalFormat.FooterSize;
        bytes[second + WalFormat.HeaderSize + 1] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        WalCorruption? corruption = null;

        var records = WalReader.ReadSegment(path, c => corruption = c).ToList();

        Assert.Equal([1, 2, 3], Assert.Single(records).Payload.ToArray());
        Assert.Equal(second, corruption!.Offset);
        Assert.Equal("payload checksum mismatch", corruption.Reason);
    }

    [Fact]
    public void A_damaged_length_is_caught_by_its_own_checksum()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Combine("00000001.log");
        using (var writer = new WalWriter(path))
        {
            writer.Append([1, 2, 3]);
        }

        var bytes = File.ReadAllBytes(path);
        bytes[6] = 0x7F; // a huge length
        File.WriteAllBytes(path, bytes);
        WalCorruption? corruption = null;

        Assert.Empty(WalReader.ReadSegment(path, c => corruption = c));
        Assert.Equal("length checksum mismatch", corruption!.Reason);
        Assert.Equal(0, corruption.Offset);
    }

    [Fact]
    public void Segments_are_listed_in_log_order()
    {
        using var dir = new TemporaryDirectory();
        foreach (var index in new[] { 10, 2, 1 })
        {
            File.WriteAllBytes(dir.Combine(WalFormat.SegmentFileName(index)), []);
        }

        File.WriteAllBytes(dir.Combine("notes.txt"), []);

        var names = WalReader.ListSegments(dir.Path).Select(Path.GetFileName);

        Assert.Equal(["00000001.log", "00000002.log", "00000010.log"], names);
    }

    [Fact]
    public void An_oversized_payload_is_refused_before_anything_is_written()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Combine("00000001.log");
        using var writer = new WalWriter(path);

        Assert.Throws<ArgumentException>(() => writer.Append(new byte[WalFormat.MaxPayloadSize + 1]));
        writer.Flush();
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Fact]
    public void A_segment_of_a_newer_schema_version_is_reported_and_not_read()
    {
        using var directory = new Repro.Tests.Shared.TemporaryDirectory("repro-schema");
        using (var writer = new WalWriter(Path.Combine(directory.Path, "00000001.log")))
        {
            writer.Append(Google.Protobuf.MessageExtensions.ToByteArray(new Repro.Events.Record { Header = new Repro.Events.SegmentHeader { SchemaVersion = (Repro.Events.SchemaVersion)2 } }));
            writer.Append(Google.Protobuf.MessageExtensions.ToByteArray(new Repro.Events.Record { Event = new Repro.Events.Event { Sequence = 1, Name = "from-the-future" } }));
        }

        var problems = new List<WalCorruption>();
        var events = Repro.Events.WalEventReader.Read(directory.Path, problems.Add).ToList();

        Assert.Empty(events);
        var problem = Assert.Single(problems);
        Assert.Contains("schema version 2 is newer", problem.Reason, StringComparison.Ordinal);
    }
}
