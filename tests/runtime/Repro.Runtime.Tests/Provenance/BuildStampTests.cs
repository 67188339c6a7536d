using System.Reflection;
using System.Reflection.Emit;
using Repro.Provenance;

namespace Repro.Runtime.Tests.Provenance;

public class BuildStampTests
{
    [Fact]
    public void A_stamped_assembly_yields_commit_and_dirty_flag()
    {
        var assembly = AssemblyWith(
            ("Repro.Build.Commit", "0123456789abcdef0123456789abcdef01234567"),
            ("Repro.Build.Dirty", "true"),
            ("Repro.Build.Branch", "main"),
            ("Repro.Build.PatchSha256", "ab"));

        var stamp = BuildStamp.Read(assembly);

        Assert.Equal((true, "0123456789abcdef0123456789abcdef01234567", (bool?)true), (stamp.Stamped, stamp.Commit, stamp.Dirty));
        Assert.Equal(("main", "ab", assembly.GetName().Name), (stamp.Branch, stamp.PatchSha256, stamp.Assembly));
        Assert.Null(stamp.Provenance);
    }

    [Fact]
    public void A_build_outside_git_is_stamped_without_a_commit()
    {
        var stamp = BuildStamp.Read(AssemblyWith(("Repro.Build.Commit", string.Empty), ("Repro.Build.Dirty", "false")));

        Assert.True(stamp.Stamped);
        Assert.Null(stamp.Commit);
        Assert.False(stamp.Dirty);
    }

    [Fact]
    public void An_unstamped_assembly_says_so() => Assert.Equal(BuildStamp.None, BuildStamp.Read(AssemblyWith(("Other", "x"))));

    [Fact]
    public void No_assembly_means_no_stamp() => Assert.Equal(BuildStamp.None, BuildStamp.Read(null));

    private static AssemblyBuilder AssemblyWith(params (string Key, string Value)[] metadata)
    {
        var builder = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Stamped" + Guid.NewGuid().ToString("N")), AssemblyBuilderAccess.Run);
        var constructor = typeof(AssemblyMetadataAttribute).GetConstructor([typeof(string), typeof(string)])!;
        foreach (var (key, value) in metadata)
        {
            builder.SetCustomAttribute(new CustomAttributeBuilder(constructor, [key, value]));
        }

        return builder;
    }
}
