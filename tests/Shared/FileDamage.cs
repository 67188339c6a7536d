namespace Repro.Tests.Shared;

/// <summary>Damage done to files on purpose, as a bad disk or a stray write would.</summary>
internal static class FileDamage
{
    /// <summary>Flips one bit (0x40) of the byte at <paramref name="offset"/>.</summary>
    public static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x40));
    }
}
