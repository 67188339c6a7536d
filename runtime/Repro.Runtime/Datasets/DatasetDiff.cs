namespace Repro.Datasets;

/// <summary>A file whose content differs between two fingerprints.</summary>
/// <param name="RelativePath">The file's path in both.</param>
/// <param name="Before">It in the first fingerprint.</param>
/// <param name="After">It in the second.</param>
public sealed record ChangedFile(string RelativePath, DatasetFile Before, DatasetFile After);

/// <summary>What differs between two file listings, each list in canonical path order.</summary>
/// <param name="Added">Files only in the second.</param>
/// <param name="Removed">Files only in the first.</param>
/// <param name="Changed">Files in both with different content.</param>
public sealed record DatasetDifference(IReadOnlyList<DatasetFile> Added, IReadOnlyList<DatasetFile> Removed, IReadOnlyList<ChangedFile> Changed)
{
    /// <summary>Whether the two listings hold the same files with the same content.</summary>
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0;
}

/// <summary>Compares two file listings (of two fingerprints, or a run's dataset and a folder now).</summary>
public static class DatasetDiff
{
    /// <summary>Files added, removed and changed from <paramref name="before"/> to <paramref name="after"/>.</summary>
    /// <exception cref="ArgumentException">A listing names a path twice.</exception>
    public static DatasetDifference Compare(IEnumerable<DatasetFile> before, IEnumerable<DatasetFile> after)
    {
        var first = Index(before, nameof(before));
        var second = Index(after, nameof(after));
        var added = second.Values.Where(file => !first.ContainsKey(file.RelativePath)).ToList();
        var removed = first.Values.Where(file => !second.ContainsKey(file.RelativePath)).ToList();
        var changed = first.Values
            .Where(file => second.TryGetValue(file.RelativePath, out var other) && other.Sha256 != file.Sha256)
            .Select(file => new ChangedFile(file.RelativePath, file, second[file.RelativePath]))
            .ToList();
        added.Sort((a, b) => MerkleTree.Compare(a.RelativePath, b.RelativePath));
        removed.Sort((a, b) => MerkleTree.Compare(a.RelativePath, b.RelativePath));
        changed.Sort((a, b) => MerkleTree.Compare(a.RelativePath, b.RelativePath));
        return new DatasetDifference(added, removed, changed);
    }

    private static Dictionary<string, DatasetFile> Index(IEnumerable<DatasetFile> files, string parameter)
    {
        ArgumentNullException.ThrowIfNull(files, parameter);
        var index = new Dictionary<string, DatasetFile>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!index.TryAdd(file.RelativePath, file))
            {
                throw new ArgumentException($"{file.RelativePath} occurs twice in the listing.", parameter);
            }
        }

        return index;
    }
}
