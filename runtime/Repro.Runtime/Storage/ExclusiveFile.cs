namespace Repro.Storage;

/// <summary>
/// Owner-only files held open with <see cref="FileShare.None"/> (an advisory <c>flock</c> on Unix) to serialise
/// processes: the audit log's appends and the home's maintenance lock. The kernel releases the hold when its process dies.
/// </summary>
internal static class ExclusiveFile
{
    /// <summary>
    /// Opens (creating it owner-only) <paramref name="path"/> exclusively, retrying while another holder has it for up
    /// to <paramref name="wait"/>; then the last refusal is thrown, or what <paramref name="onTimeout"/> makes of it.
    /// </summary>
    public static FileStream Open(string path, TimeSpan wait, Func<IOException, Exception>? onTimeout = null)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = ReproHome.OwnerOnlyFile;
            }

            try
            {
                return new FileStream(path, options);
            }
            catch (IOException e) when (File.Exists(path)) // held by another; any other failure is not a wait
            {
                if (DateTime.UtcNow >= deadline)
                {
                    if (onTimeout is null)
                    {
                        throw;
                    }

                    throw onTimeout(e);
                }

                Thread.Sleep(20);
            }
        }
    }
}
