namespace Repro.Storage.Maintenance;

/// <summary>Sizes of folders on disk, summed over their files (links are not followed).</summary>
internal static class FolderSize
{
    /// <summary>The bytes of every file under <paramref name="folder"/>; 0 when it does not exist or vanishes meanwhile.</summary>
    public static long Of(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        long total = 0;
        try
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }))
            {
                total += file.Length;
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            // Deleted while summed: what was counted stands.
        }

        return total;
    }
}
