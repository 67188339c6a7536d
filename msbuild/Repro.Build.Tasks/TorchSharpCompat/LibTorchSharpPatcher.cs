using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Repro.Build.Tasks.TorchSharpCompat;

/// <summary>
/// Makes TorchSharp's <c>libLibTorchSharp.so</c> load on systems whose libstdc++ predates GCC 13
/// (Debian 12, Ubuntu 22.04). See docs/architecture.md, "TorchSharp on Debian 12 and Ubuntu 22.04".
/// </summary>
/// <remarks>
/// The library needs <c>GLIBCXX_3.4.32</c> for one symbol, <c>std::ios_base_library_init()</c>, a
/// no-argument hook that older libstdc++ does not need (it initialises iostreams itself). Three
/// in-place edits make the library load: mark the version requirement weak, make the symbol
/// unversioned, and rename it to <c>getpid</c>, a harmless libc function of no arguments whose
/// result the caller ignores. Nothing else in the file changes size or place.
/// </remarks>
internal static class LibTorchSharpPatcher
{
    public const string MissingVersion = "GLIBCXX_3.4.32";
    public const string HookSymbol = "_ZSt21ios_base_library_initv";
    public const string Replacement = "getpid";

    /// <summary>What a look at (or an edit of) the library found.</summary>
    public enum Outcome
    {
        /// <summary>The library does not require the version: nothing to do.</summary>
        NotRequired,

        /// <summary>The edits are already in place.</summary>
        AlreadyPatched,

        /// <summary>The edits were made.</summary>
        Patched,
    }

    /// <summary>Applies the edits to <paramref name="bytes"/> in memory.</summary>
    /// <exception cref="InvalidOperationException">The library is not shaped as expected; it is left unchanged.</exception>
    public static Outcome Patch(byte[] bytes)
    {
        // Work on a copy so that a library rejected half-way is never left half-edited.
        var copy = (byte[])bytes.Clone();
        Outcome outcome;
        try
        {
            outcome = PatchInPlace(copy);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            throw new InvalidOperationException("malformed ELF file: a table points outside the file", e);
        }

        Buffer.BlockCopy(copy, 0, bytes, 0, bytes.Length);
        return outcome;
    }

    private static Outcome PatchInPlace(byte[] bytes)
    {
        var image = ElfImage.Parse(bytes);
        var required = ElfVersions.Required(image).Where(v => v.Name == MissingVersion).ToList();
        if (required.Count == 0)
        {
            return Outcome.NotRequired;
        }

        if (required.Count != 1)
        {
            throw new InvalidOperationException($"{MissingVersion} is required {required.Count} times; expected once.");
        }

        var version = required[0];
        var dynsym = image.FindSection(ElfImage.SectionDynSym) ?? throw new InvalidOperationException("no .dynsym section");
        var versym = image.FindSection(ElfImage.SectionVerSym) ?? throw new InvalidOperationException("no .gnu.version section");
        var dynstr = image.Sections[dynsym.Link];
        var symbolCount = dynsym.Size / ElfImage.SymbolSize;

        var users = new List<int>();
        var hookIndex = -1;
        for (var i = 1; i < symbolCount; i++)
        {
            var name = image.ReadString(dynstr, (int)image.U32(dynsym.Offset + (i * ElfImage.SymbolSize)));
            if ((image.U16(versym.Offset + (2 * i)) & 0x7fff) == version.Index)
            {
                users.Add(i);
            }

            if (name == HookSymbol)
            {
                hookIndex = i;
            }
        }

        var isWeak = (version.Flags & ElfImage.VersionFlagWeak) != 0;
        if (isWeak && users.Count == 0 && hookIndex < 0)
        {
            return Outcome.AlreadyPatched;
        }

        // Refuse anything but the known shape: one symbol, the hook, needing the version.
        if (users.Count != 1 || users[0] != hookIndex)
        {
            var names = string.Join(", ", users.Select(i => image.ReadString(dynstr, (int)image.U32(dynsym.Offset + (i * ElfImage.SymbolSize)))));
            throw new InvalidOperationException(
                $"expected only {HookSymbol} to need {MissingVersion}, found: {(names.Length == 0 ? "none" : names)}");
        }

        var symbolAt = dynsym.Offset + (hookIndex * ElfImage.SymbolSize);
        var nameOffset = (int)image.U32(symbolAt);
        if (image.U16(symbolAt + 6) != 0)
        {
            throw new InvalidOperationException($"{HookSymbol} is defined in the library, not imported");
        }

        EnsureNameNotShared(image, dynsym, symbolCount, hookIndex, nameOffset);

        image.WriteU16(version.FlagsOffset, (ushort)(version.Flags | ElfImage.VersionFlagWeak));
        image.WriteU16(versym.Offset + (2 * hookIndex), 1);
        var nameStart = dynstr.Offset + nameOffset;
        Array.Clear(bytes, nameStart, HookSymbol.Length);
        Encoding.ASCII.GetBytes(Replacement, 0, Replacement.Length, bytes, nameStart);
        return Outcome.Patched;
    }

    /// <summary>
    /// Linkers share string tails ("…initv" could serve another name); renaming in place is safe only
    /// when no other symbol, version or dynamic entry points into the hook's name.
    /// </summary>
    private static void EnsureNameNotShared(ElfImage image, ElfImage.Section dynsym, int symbolCount, int hookIndex, int nameOffset)
    {
        var end = nameOffset + HookSymbol.Length;
        bool Inside(long offset) => offset >= nameOffset && offset <= end;

        for (var i = 1; i < symbolCount; i++)
        {
            if (i != hookIndex && Inside(image.U32(dynsym.Offset + (i * ElfImage.SymbolSize))))
            {
                throw new InvalidOperationException($"the name of {HookSymbol} is shared with symbol {i}");
            }
        }

        if (ElfVersions.Required(image).Any(v => Inside(v.NameOffset)))
        {
            throw new InvalidOperationException($"the name of {HookSymbol} is shared with a version name");
        }

        if (image.FindSection(ElfImage.SectionDynamic) is { } dynamic)
        {
            for (var at = dynamic.Offset; at + 16 <= dynamic.Offset + dynamic.Size; at += 16)
            {
                var tag = image.U64(at);
                var isStringTag = tag is 1 /* NEEDED */ or 14 /* SONAME */ or 15 /* RPATH */ or 29 /* RUNPATH */;
                if (isStringTag && Inside((long)image.U64(at + 8)))
                {
                    throw new InvalidOperationException($"the name of {HookSymbol} is shared with a dynamic entry");
                }
            }
        }
    }
}
