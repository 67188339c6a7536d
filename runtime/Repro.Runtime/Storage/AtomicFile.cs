namespace Repro.Storage;

/// <summary>Owner-only files replaced atomically and durably: a reader sees the old or the new content, never half.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="text"/> to a temporary file beside <paramref name="path"/>, fsyncs it,
    /// renames it over <paramref name="path"/> and fsyncs the folder, so the new name survives a power loss.
    /// </summary>
    public static void WriteAllText(string path, string text)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ReproHome.OwnerOnlyFile;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
