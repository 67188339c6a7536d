using System.Collections.Generic;

namespace Repro.Build.Tasks.TorchSharpCompat;

/// <summary>Reads the GNU symbol-versioning sections of an <see cref="ElfImage"/>.</summary>
internal static class ElfVersions
{
    /// <summary>Version names a library defines (<c>.gnu.version_d</c>), e.g. GLIBCXX_3.4.30.</summary>
    public static HashSet<string> Defined(ElfImage image)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        if (image.FindSection(ElfImage.SectionVerDef) is not { } verdef)
        {
            return names;
        }

        var strings = image.Sections[verdef.Link];
        var at = verdef.Offset;
        for (var i = 0; i < verdef.Info && at + 20 <= verdef.Offset + verdef.Size; i++)
        {
            var auxCount = image.U16(at + 6);
            var aux = at + (int)image.U32(at + 12);
            for (var j = 0; j < auxCount; j++)
            {
                names.Add(image.ReadString(strings, (int)image.U32(aux)));
                aux += (int)image.U32(aux + 4);
            }

            var next = (int)image.U32(at + 16);
            if (next == 0)
            {
                break;
            }

            at += next;
        }

        return names;
    }

    /// <summary>Every version a library requires (<c>.gnu.version_r</c>), with where each entry sits.</summary>
    public static List<RequiredVersion> Required(ElfImage image)
    {
        var result = new List<RequiredVersion>();
        if (image.FindSection(ElfImage.SectionVerNeed) is not { } verneed)
        {
            return result;
        }

        var strings = image.Sections[verneed.Link];
        var at = verneed.Offset;
        for (var i = 0; i < verneed.Info && at + 16 <= verneed.Offset + verneed.Size; i++)
        {
            var auxCount = image.U16(at + 2);
            var aux = at + (int)image.U32(at + 8);
            for (var j = 0; j < auxCount; j++)
            {
                result.Add(new RequiredVersion(
                    Name: image.ReadString(strings, (int)image.U32(aux + 8)),
                    NameOffset: (int)image.U32(aux + 8),
                    Index: image.U16(aux + 6),
                    Flags: image.U16(aux + 4),
                    EntryOffset: aux));
                var nextAux = (int)image.U32(aux + 12);
                if (nextAux == 0)
                {
                    break;
                }

                aux += nextAux;
            }

            var next = (int)image.U32(at + 12);
            if (next == 0)
            {
                break;
            }

            at += next;
        }

        return result;
    }

    /// <summary>One <c>Elf64_Vernaux</c> entry.</summary>
    /// <param name="Name">The version name.</param>
    /// <param name="NameOffset">Offset of the name in the dynamic string table.</param>
    /// <param name="Index">The version index symbols refer to in <c>.gnu.version</c>.</param>
    /// <param name="Flags">vna_flags.</param>
    /// <param name="EntryOffset">File offset of the entry.</param>
    internal readonly record struct RequiredVersion(string Name, int NameOffset, ushort Index, ushort Flags, int EntryOffset)
    {
        public int FlagsOffset => EntryOffset + 4;
    }
}
