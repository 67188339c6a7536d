namespace Repro.Cli.Reports;

/// <summary>Where a report page goes: owner-only (it carries configuration and provenance), whole or not at all.</summary>
internal static class ReportFile
{
    /// <summary>Writes <paramref name="html"/> beside <paramref name="path"/>, then renames it into place, creating the folder.</summary>
    public static void Write(string path, string html)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(html);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
