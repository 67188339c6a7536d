using System.Diagnostics;

namespace Repro.Tests.Shared;

/// <summary>
/// A folder nobody can write into, even root: a read-only tmpfs mounted over it when the tests run as
/// root (root ignores permission bits), else permissions 0500.
/// </summary>
internal sealed class ReadOnlyFolder : IDisposable
{
    /// <summary>The skip reason when no read-only folder can be made here.</summary>
    public const string Unavailable = "A read-only folder needs Linux, and as root the right to mount a tmpfs (CI runs as root).";

    private readonly string _path;
    private readonly bool _mounted;

    private ReadOnlyFolder(string path, bool mounted)
    {
        _path = path;
        _mounted = mounted;
    }

    /// <summary>Creates <paramref name="path"/> read-only; null when that is impossible here.</summary>
    public static ReadOnlyFolder? Create(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        if (Environment.UserName != "root")
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return new ReadOnlyFolder(path, mounted: false);
        }

        return Exec("mount", "-t", "tmpfs", "-o", "ro,size=1m,mode=0700", "tmpfs", path) ? new ReadOnlyFolder(path, mounted: true) : null;
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Exec("umount", "-l", _path);
        }
        else if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static bool Exec(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
