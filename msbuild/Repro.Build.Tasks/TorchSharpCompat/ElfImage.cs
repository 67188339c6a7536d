using System;
using System.Collections.Generic;
using System.Text;

namespace Repro.Build.Tasks.TorchSharpCompat;

/// <summary>
/// Just enough of an ELF64 little-endian shared object, held in memory, to read and edit its
/// dynamic symbols and symbol versions. Offsets are file offsets into <see cref="Bytes"/>.
/// </summary>
internal sealed class ElfImage
{
    public const uint SectionDynamic = 6;
    public const uint SectionDynSym = 11;
    public const uint SectionVerDef = 0x6ffffffd;
    public const uint SectionVerNeed = 0x6ffffffe;
    public const uint SectionVerSym = 0x6fffffff;
    public const ushort VersionFlagWeak = 0x2;
    public const int SymbolSize = 24;

    private readonly List<Section> _sections = new();

    private ElfImage(byte[] bytes)
    {
        Bytes = bytes;
    }

    public byte[] Bytes { get; }

    public IReadOnlyList<Section> Sections => _sections;

    /// <summary>Parses the section table; throws <see cref="InvalidOperationException"/> for anything but ELF64 LE.</summary>
    public static ElfImage Parse(byte[] bytes)
    {
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new InvalidOperationException("not an ELF file");
        }

        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidOperationException("not a 64-bit little-endian ELF file");
        }

        var image = new ElfImage(bytes);
        var tableOffset = image.U64(0x28);
        var entrySize = image.U16(0x3a);
        var count = image.U16(0x3c);
        if (entrySize < 64 || tableOffset + ((ulong)entrySize * count) > (ulong)bytes.Length)
        {
            throw new InvalidOperationException("section header table is out of bounds");
        }

        for (var i = 0; i < count; i++)
        {
            var at = (int)tableOffset + (i * entrySize);
            var section = new Section(
                Type: image.U32(at + 4),
                Offset: (int)image.U64(at + 24),
                Size: (int)image.U64(at + 32),
                Link: (int)image.U32(at + 40),
                Info: (int)image.U32(at + 44));
            if ((ulong)section.Offset + (ulong)section.Size > (ulong)bytes.Length && section.Type != 8 /* NOBITS */)
            {
                throw new InvalidOperationException($"section {i} is out of bounds");
            }

            image._sections.Add(section);
        }

        return image;
    }

    public Section? FindSection(uint type)
    {
        foreach (var section in _sections)
        {
            if (section.Type == type)
            {
                return section;
            }
        }

        return null;
    }

    /// <summary>The NUL-terminated string at <paramref name="offset"/> in string table <paramref name="table"/>.</summary>
    public string ReadString(Section table, int offset)
    {
        var start = table.Offset + offset;
        var end = start;
        var limit = table.Offset + table.Size;
        while (end < limit && Bytes[end] != 0)
        {
            end++;
        }

        return Encoding.ASCII.GetString(Bytes, start, end - start);
    }

    public ushort U16(int at) => (ushort)(Bytes[at] | (Bytes[at + 1] << 8));

    public uint U32(int at) => (uint)(Bytes[at] | (Bytes[at + 1] << 8) | (Bytes[at + 2] << 16) | (Bytes[at + 3] << 24));

    public ulong U64(int at) => U32(at) | ((ulong)U32(at + 4) << 32);

    public void WriteU16(int at, ushort value)
    {
        Bytes[at] = (byte)value;
        Bytes[at + 1] = (byte)(value >> 8);
    }

    internal readonly record struct Section(uint Type, int Offset, int Size, int Link, int Info);
}
