using System;
using System.Collections.Generic;
using System.IO;

namespace Repro.Build.Tasks.TorchSharpCompat;

/// <summary>Finds the libstdc++ the dynamic loader will use, and the versions it defines.</summary>
internal static class SystemLibStdCxx
{
    private static readonly char[] s_pathSeparator = { ':' };

    private static readonly string[] s_standardDirectories =
    {
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
        "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib64", "/usr/lib64", "/lib", "/usr/lib",
    };

    /// <summary>
    /// The path of <c>libstdc++.so.6</c>: the first one on <c>LD_LIBRARY_PATH</c>, else in the standard
    /// library directories; null when there is none (musl, macOS, Windows).
    /// </summary>
    public static string? Locate()
    {
        var directories = new List<string>();
        var libraryPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        if (!string.IsNullOrEmpty(libraryPath))
        {
            directories.AddRange(libraryPath!.Split(s_pathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }

        directories.AddRange(s_standardDirectories);
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, "libstdc++.so.6");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Whether the libstdc++ at <paramref name="path"/> defines symbol version <paramref name="version"/>.</summary>
    /// <exception cref="InvalidOperationException">The file is not a well-formed ELF64 library.</exception>
    public static bool Defines(string path, string version)
    {
        try
        {
            return ElfVersions.Defined(ElfImage.Parse(File.ReadAllBytes(path))).Contains(version);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            throw new InvalidOperationException($"{path} is a malformed ELF file", e);
        }
    }
}
