using Repro.Events.Packing;

namespace Repro.Runtime.Tests.Events.Packing;

public class BitStreamTests
{
    [Theory]
    [InlineData(20261206)]
    [InlineData(7)]
    public void Fields_of_every_width_at_every_alignment_read_back_as_written(int seed)
    {
        var random = new Random(seed);
        var fields = new List<(ulong Value, int Width)>();
        for (var i = 0; i < 5_000; i++)
        {
            // Mostly single bits and short fields, as in a packed batch, with every width up to 64 among them.
            var width = random.Next(4) == 0 ? random.Next(1, 65) : random.Next(1, 4);
            var value = (ulong)random.NextInt64() << 1 ^ (ulong)random.Next(2);
            fields.Add((width == 64 ? value : value & ((1UL << width) - 1), width));
        }

        var buffer = new byte[(fields.Sum(f => f.Width) / 8) + 16];
        var writer = new BitWriter(buffer);
        foreach (var (value, width) in fields)
        {
            writer.Write(value, width);
        }

        var length = writer.Finish();
        var reader = new BitReader(buffer.AsSpan(0, length));
        for (var i = 0; i < fields.Count; i++)
        {
            var (value, width) = fields[i];
            var read = width == 1 ? (reader.ReadBit() ? 1UL : 0UL) : reader.Read(width);
            Assert.True(read == value, $"seed {seed}, field {i} ({width} bits): read {read:X}, wrote {value:X}");
        }
    }

    [Fact]
    public void Reading_past_the_last_byte_is_refused_as_damage()
    {
        var bytes = new byte[] { 0b1010_1010, 0xFF, 0x01 };

        Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new BitReader(bytes);
            Assert.Equal(0b1010_1010_1111_1111UL, reader.Read(16));
            Assert.Equal(1UL, reader.Read(8));
            reader.ReadBit(); // the 25th bit of a 24-bit stream
        });
        Assert.Throws<InvalidDataException>(() => new BitReader(bytes).Read(25));
        Assert.Throws<InvalidDataException>(() => new BitReader(new byte[7]).Read(64));
    }
}
