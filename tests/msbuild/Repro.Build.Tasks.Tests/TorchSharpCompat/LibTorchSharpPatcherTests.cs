using Repro.Build.Tasks.TorchSharpCompat;
using Outcome = Repro.Build.Tasks.TorchSharpCompat.LibTorchSharpPatcher.Outcome;

namespace Repro.Build.Tasks.Tests.TorchSharpCompat;

public class LibTorchSharpPatcherTests
{
    [Fact]
    public void The_real_library_is_patched_with_three_small_edits()
    {
        var original = File.ReadAllBytes(ElfFixtures.LibTorchSharp);
        var bytes = (byte[])original.Clone();

        Assert.Equal(Outcome.Patched, LibTorchSharpPatcher.Patch(bytes));

        Assert.Equal(original.Length, bytes.Length);
        var image = ElfImage.Parse(bytes);
        var version = ElfVersions.Required(image).Single(v => v.Name == LibTorchSharpPatcher.MissingVersion);
        Assert.NotEqual(0, version.Flags & ElfImage.VersionFlagWeak);
        var symbols = DynamicSymbols(image);
        Assert.DoesNotContain(symbols, s => s.Name == LibTorchSharpPatcher.HookSymbol);
        Assert.DoesNotContain(symbols, s => s.Version == version.Index);
        Assert.Contains(symbols, s => s.Name == "getpid" && s.Version == 1 && s.Undefined);

        // Flag (1 byte), version entry (1-2 bytes), the renamed string (at most its length).
        var changed = original.Zip(bytes).Count(p => p.First != p.Second);
        Assert.InRange(changed, 3, 2 + 2 + LibTorchSharpPatcher.HookSymbol.Length);
    }

    [Fact]
    public void Patching_twice_changes_nothing_the_second_time()
    {
        var bytes = File.ReadAllBytes(ElfFixtures.LibTorchSharp);
        LibTorchSharpPatcher.Patch(bytes);
        var once = (byte[])bytes.Clone();

        Assert.Equal(Outcome.AlreadyPatched, LibTorchSharpPatcher.Patch(bytes));
        Assert.Equal(once, bytes);
    }

    [Fact]
    public void A_library_that_does_not_need_the_version_is_left_alone()
    {
        var bytes = File.ReadAllBytes(SystemLibStdCxx.Locate()!);
        var original = (byte[])bytes.Clone();

        Assert.Equal(Outcome.NotRequired, LibTorchSharpPatcher.Patch(bytes));
        Assert.Equal(original, bytes);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' })]
    [InlineData(new byte[] { (byte)'M', (byte)'Z', 0x90, 0 })]
    public void Non_ELF_input_is_refused_clearly(byte[] bytes) =>
        Assert.Throws<InvalidOperationException>(() => LibTorchSharpPatcher.Patch(bytes.Concat(new byte[bytes.Length == 0 ? 0 : 60]).ToArray()));

    [Fact]
    public void A_truncated_library_is_refused_clearly() =>
        Assert.Throws<InvalidOperationException>(() => LibTorchSharpPatcher.Patch(File.ReadAllBytes(ElfFixtures.LibTorchSharp)[..4096]));

    [Fact]
    public void Damage_in_the_tables_gives_a_clear_error_or_a_correct_patch_never_a_crash()
    {
        var original = File.ReadAllBytes(ElfFixtures.LibTorchSharp);
        var image = ElfImage.Parse(original);
        var targets = new[] { ElfImage.SectionVerNeed, ElfImage.SectionDynSym, ElfImage.SectionVerSym }
            .Select(type => image.FindSection(type)!.Value).ToArray();
        var random = new Random(1234);
        for (var i = 0; i < 300; i++)
        {
            var bytes = (byte[])original.Clone();
            var section = targets[i % targets.Length];
            var at = section.Offset + random.Next(Math.Min(section.Size, 4096));
            bytes[at] ^= (byte)(1 << random.Next(8));
            var before = (byte[])bytes.Clone();
            try
            {
                LibTorchSharpPatcher.Patch(bytes);
            }
            catch (InvalidOperationException)
            {
                Assert.Equal(before, bytes); // refused libraries are never half-edited
            }
        }
    }

    [Fact]
    public void The_system_libstdcxx_is_found_and_its_versions_read()
    {
        var path = SystemLibStdCxx.Locate();

        Assert.NotNull(path);
        Assert.True(SystemLibStdCxx.Defines(path, "GLIBCXX_3.4"));
        Assert.False(SystemLibStdCxx.Defines(path, "GLIBCXX_99.0"));
    }

    private static List<(string Name, ushort Version, bool Undefined)> DynamicSymbols(ElfImage image)
    {
        var dynsym = image.FindSection(ElfImage.SectionDynSym)!.Value;
        var versym = image.FindSection(ElfImage.SectionVerSym)!.Value;
        var strings = image.Sections[dynsym.Link];
        return Enumerable.Range(1, (dynsym.Size / ElfImage.SymbolSize) - 1).Select(i =>
        {
            var at = dynsym.Offset + (i * ElfImage.SymbolSize);
            return (image.ReadString(strings, (int)image.U32(at)), (ushort)(image.U16(versym.Offset + (2 * i)) & 0x7fff), image.U16(at + 6) == 0);
        }).ToList();
    }
}
