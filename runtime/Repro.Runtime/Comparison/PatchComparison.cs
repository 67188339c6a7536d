using System.Text;
using Repro.Runs;

namespace Repro.Comparison;

/// <summary>A file the two runs' uncommitted patches change differently.</summary>
/// <param name="Path">The file, as the patch names it.</param>
/// <param name="A">"changed", or null when run A's patch leaves it alone.</param>
/// <param name="B">"changed" (differently), or null when run B's patch leaves it alone.</param>
public sealed record PatchedFile(string Path, string? A, string? B);

/// <summary>
/// The files two dirty builds' patches change differently. Each patch is read from beside the program the run
/// started (<c>&lt;assembly&gt;.provenance.patch</c>) and used only when its SHA-256 is the one the build recorded:
/// a later build may have replaced it.
/// </summary>
/// <param name="Files">Files changed by one patch only, or by both in different ways, in ordinal order.</param>
public sealed record PatchComparison(IReadOnlyList<PatchedFile> Files)
{
    /// <summary>The comparison when both runs' patches are available and verified; null otherwise.</summary>
    internal static PatchComparison? TryCompare(RunManifest a, RunManifest b)
    {
        if (a.Build.PatchSha256 is null || b.Build.PatchSha256 is null || a.Build.PatchSha256 == b.Build.PatchSha256
            || Read(a) is not { } patchA || Read(b) is not { } patchB)
        {
            return null;
        }

        var filesA = SplitByFile(patchA);
        var filesB = SplitByFile(patchB);
        var differing = filesA.Keys.Union(filesB.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(path => !(filesA.TryGetValue(path, out var x) && filesB.TryGetValue(path, out var y) && x == y))
            .Select(path => new PatchedFile(path, filesA.ContainsKey(path) ? "changed" : null, filesB.ContainsKey(path) ? "changed" : null))
            .ToList();
        return new PatchComparison(differing);
    }

    /// <summary>The run's patch file when it is still there and still the one its build recorded.</summary>
    private static string? Read(RunManifest manifest) =>
        Provenance.BuildPatch.TryRead(manifest, out _) is { } bytes ? Encoding.Latin1.GetString(bytes) : null;

    /// <summary>Each file's part of a git patch, by the path after <c>diff --git a/… b/</c>.</summary>
    private static Dictionary<string, string> SplitByFile(string patch)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        const string Header = "diff --git ";
        var starts = new List<int>();
        for (var at = patch.StartsWith(Header, StringComparison.Ordinal) ? 0 : patch.IndexOf("\n" + Header, StringComparison.Ordinal);
             at >= 0;
             at = patch.IndexOf("\n" + Header, at + 1, StringComparison.Ordinal))
        {
            starts.Add(patch[at] == '\n' ? at + 1 : at);
        }

        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1] : patch.Length;
            var section = patch[starts[i]..end];
            var firstLine = section.Split('\n', 2)[0];
            var b = firstLine.LastIndexOf(" b/", StringComparison.Ordinal);
            var path = b >= 0 ? firstLine[(b + 3)..].Trim() : firstLine[Header.Length..].Trim();
            files[path] = files.TryGetValue(path, out var earlier) ? earlier + section : section;
        }

        return files;
    }
}
