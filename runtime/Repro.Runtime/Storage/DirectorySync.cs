using System.Runtime.InteropServices;

namespace Repro.Storage;

/// <summary>
/// fsync of a directory: makes the creation, rename or removal of the entries in it durable. Without
/// it a new segment, a renamed manifest or a new run folder can vanish in a power loss even though
/// the file's own bytes were fsynced, because the name lives in the directory, not the file.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int LinuxCloseOnExec = 0x80000; // O_CLOEXEC, the same on x86-64 and arm64 (O_DIRECTORY is not)

    /// <summary>Test hook: sees each directory synced, after the sync.</summary>
    internal static Action<string>? Observer { get; set; }

    /// <summary>Fsyncs <paramref name="directory"/>; a no-op on Windows, where NTFS journals names itself.</summary>
    /// <exception cref="IOException">The directory could not be opened or synced.</exception>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = OpenDirectory(directory, ReadOnly | (OperatingSystem.IsLinux() ? LinuxCloseOnExec : 0));
        if (fd < 0)
        {
            throw new IOException($"Could not open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }

        Observer?.Invoke(directory);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenDirectory(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
