namespace Repro.EndToEnd.Tests.Packaging;

/// <summary>Reads package versions off the file names in a folder feed (<c>&lt;id&gt;.&lt;version&gt;.nupkg</c>).</summary>
internal static class FeedPackages
{
    /// <summary>The version of the one package <paramref name="id"/> in <paramref name="feed"/>; fails unless there is exactly one.</summary>
    public static string Version(string feed, string id)
    {
        // "Repro.1.0.nupkg" is Repro's, "Repro.Cli.1.0.nupkg" is not: the id is followed by a digit.
        var name = Directory.GetFiles(feed, id + ".*.nupkg").Select(path => Path.GetFileNameWithoutExtension(path)!)
            .Single(candidate => char.IsAsciiDigit(candidate[id.Length + 1]));
        return name[(id.Length + 1)..];
    }
}
