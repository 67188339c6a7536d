using System.Buffers.Binary;
using Repro.Export.TensorBoard;
using Repro.Wal;

namespace Repro.Runtime.Tests.Export.TensorBoard;

public class TfRecordWriterTests
{
    [Fact]
    public void Records_of_every_size_around_the_buffer_come_back_framed_in_order_with_both_checksums()
    {
        int[] sizes = [0, 1, 100, (1 << 20) - 16, (1 << 20) - 15, 1 << 20, 3 << 20, 7, (1 << 20) - 100, 200];
        var random = new Random(20261206);
        var payloads = sizes.Select(size =>
        {
            var payload = new byte[size];
            random.NextBytes(payload);
            return payload;
        }).ToList();
        using var stream = new MemoryStream();
        var writer = new TfRecordWriter(stream);

        foreach (var payload in payloads)
        {
            writer.Write(payload);
        }

        writer.Flush();

        var bytes = stream.ToArray();
        var at = 0;
        foreach (var payload in payloads)
        {
            Assert.Equal((ulong)payload.Length, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at)));
            Assert.Equal(Crc32C.ComputeMasked(bytes.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            Assert.True(payload.AsSpan().SequenceEqual(bytes.AsSpan(at + 12, payload.Length)));
            Assert.Equal(Crc32C.ComputeMasked(payload), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + payload.Length)));
            at += payload.Length + 16;
        }

        Assert.Equal(bytes.Length, at);
    }
}
