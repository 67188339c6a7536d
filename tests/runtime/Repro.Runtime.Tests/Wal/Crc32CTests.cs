using System.Text;
using Repro.Wal;

namespace Repro.Runtime.Tests.Wal;

public class Crc32CTests
{
    // RFC 3720 (iSCSI), appendix B.4: the published CRC-32C test vectors.
    [Fact]
    public void Thirty_two_zero_bytes_match_RFC_3720() =>
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));

    [Fact]
    public void Thirty_two_0xFF_bytes_match_RFC_3720() =>
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));

    [Fact]
    public void Ascending_bytes_match_RFC_3720() =>
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));

    [Fact]
    public void Descending_bytes_match_RFC_3720() =>
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));

    [Fact]
    public void ISCSI_read_command_PDU_matches_RFC_3720()
    {
        byte[] pdu =
        [
            0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        Assert.Equal(0xD9963A56u, Crc32C.Compute(pdu));
    }

    [Fact]
    public void The_standard_check_value_is_E3069283() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Empty_input_has_crc_zero() => Assert.Equal(0u, Crc32C.Compute([]));

    [Fact]
    public void Every_length_agrees_with_a_bitwise_reference()
    {
        // Covers the 8-byte fast path, the byte tail and their boundaries.
        var random = new Random(7);
        for (var length = 0; length < 70; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(BitwiseReference(data), Crc32C.Compute(data));
        }
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0xE3069283u)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0x12345678u)]
    public void Mask_is_reversible_and_changes_the_value(uint crc)
    {
        Assert.Equal(crc, Crc32C.Unmask(Crc32C.Mask(crc)));
        Assert.NotEqual(crc, Crc32C.Mask(crc));
        Assert.NotEqual(Crc32C.Mask(crc), Crc32C.Mask(Crc32C.Mask(crc)));
    }

    [Fact]
    public void Mask_is_rotate_right_15_plus_constant() =>
        // 0x00000001 rotated right by 15 is 0x00020000; plus 0xa282ead8.
        Assert.Equal(0x00020000u + 0xa282ead8u, Crc32C.Mask(1));

    private static uint BitwiseReference(byte[] data)
    {
        const uint Polynomial = 0x82F63B78; // Castagnoli, reflected
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }
        }

        return ~crc;
    }
}
