using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Repro.Build.Tasks.Stamping;

/// <summary>
/// Files the stamp writes (the patch above all: it may hold unreleased code) are readable by their owner
/// only. netstandard2.0 has no File.SetUnixFileMode, so this calls chmod(2) directly; Windows keeps the
/// folder's ACL.
/// </summary>
internal static class OwnerOnly
{
    private const int UserReadWrite = 0x180; // 0600
    private const int UserAll = 0x1C0; // 0700

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> (owner-only) unless it already holds exactly that.</summary>
    public static void WriteIfChanged(string path, byte[] content)
    {
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
        {
            Restrict(path);
            return;
        }

        CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.Delete(temporary);
        using (var created = File.Create(temporary))
        {
            // Restricted before the first byte goes in, so the content is never readable by others.
            Restrict(temporary);
            created.Write(content, 0, content.Length);
        }

        File.Delete(path);
        File.Move(temporary, path);
    }

    /// <summary>Creates <paramref name="directory"/> if needed and makes it 0700 (only folders Repro owns: its obj subfolder).</summary>
    public static void CreateDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        Chmod(directory, UserAll);
    }

    /// <summary>Makes an existing file 0600.</summary>
    public static void Restrict(string path) => Chmod(path, UserReadWrite);

    private static void Chmod(string path, int mode)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return;
        }

        // A NUL-terminated UTF-8 path, as the kernel takes it (netstandard2.0 cannot marshal UTF-8 strings itself).
        var bytes = System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(path) + "\0");
        if (NativeMethods.chmod(bytes, mode) != 0)
        {
            throw new IOException($"Could not restrict {path} to its owner (errno {Marshal.GetLastWin32Error()}).");
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, IDE1006 // the C function's own name
        public static extern int chmod(byte[] path, int mode);
#pragma warning restore SA1300, IDE1006
    }
}
