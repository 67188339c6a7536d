using System.Reflection;
using System.Text;

namespace Repro.Build.Tasks.Tests.TorchSharpCompat;

/// <summary>Real ELF files the tests work on copies of.</summary>
internal static class ElfFixtures
{
    /// <summary>TorchSharp 0.107.0's libLibTorchSharp.so from the NuGet cache (read only; tests copy it).</summary>
    public static string LibTorchSharp { get; } = typeof(ElfFixtures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "LibTorchSharpPath").Value!;

    /// <summary>
    /// A copy of the system libstdc++ whose newest version name is renamed to GLIBCXX_3.4.32 (same
    /// length), i.e. a real library that defines the version, as GCC 13's does.
    /// </summary>
    public static byte[] LibStdCxxDefining3432()
    {
        var bytes = File.ReadAllBytes(Repro.Build.Tasks.TorchSharpCompat.SystemLibStdCxx.Locate()!);
        var from = Encoding.ASCII.GetBytes("GLIBCXX_3.4.30\0");
        var to = Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0");
        var at = bytes.AsSpan().IndexOf(from);
        Assert.True(at >= 0, "the system libstdc++ should define GLIBCXX_3.4.30 (Debian 12)");
        to.CopyTo(bytes, at);
        return bytes;
    }
}
