using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Repro.Datasets;

/// <summary>
/// The tree encoding of <c>repro-merkle-sha256-v1</c> (<c>docs/formats/datasets.md</c>): a folder's hash is the
/// SHA-256 of one record per entry, in ordinal order of the entries' UTF-8 names:
/// <c>kind ' ' hash ' ' size ' ' name '\0'</c>, where kind is <c>f</c> (hash: the file's SHA-256) or <c>d</c> (hash:
/// the folder's, size: the bytes of every file below it). The root hash is the dataset folder's hash.
/// </summary>
public static class MerkleTree
{
    /// <summary>The root hash of <paramref name="files"/>, given with paths relative to the dataset's root.</summary>
    /// <exception cref="ArgumentException">A path is empty, absolute, has empty or '.'/'..' segments, or occurs twice, or a hash is malformed.</exception>
    public static string Root(IEnumerable<DatasetFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var root = new Folder();
        foreach (var file in files)
        {
            if (!Artifacts.ContentHash.IsValid(file.Sha256))
            {
                throw new ArgumentException($"'{file.Sha256}' for {file.RelativePath} is not a SHA-256 hash.", nameof(files));
            }

            var segments = Segments(file.RelativePath);
            var folder = root;
            for (var i = 0; i < segments.Length - 1; i++)
            {
                if (folder.Files.ContainsKey(segments[i]))
                {
                    throw new ArgumentException($"{file.RelativePath}: '{segments[i]}' is both a file and a folder.", nameof(files));
                }

                if (!folder.Folders.TryGetValue(segments[i], out var child))
                {
                    folder.Folders[segments[i]] = child = new Folder();
                }

                folder = child;
            }

            var name = segments[^1];
            if (folder.Folders.ContainsKey(name) || !folder.Files.TryAdd(name, file))
            {
                throw new ArgumentException($"{file.RelativePath} occurs twice.", nameof(files));
            }
        }

        return Hash(root).Hash;
    }

    /// <summary>Orders relative paths canonically: ordinal by UTF-8 bytes.</summary>
    public static int Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);

        // UTF-8 byte order is code point order. UTF-16 code units sort the same way except that a surrogate (part of
        // a code point above U+FFFF) sorts below U+E000–U+FFFF; fix that one case instead of encoding every string.
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            var (x, y) = (a[i], b[i]);
            if (x == y)
            {
                continue;
            }

            var (surrogateX, surrogateY) = (char.IsSurrogate(x), char.IsSurrogate(y));
            return surrogateX == surrogateY ? x.CompareTo(y) : surrogateX ? 1 : -1;
        }

        return a.Length.CompareTo(b.Length);
    }

    internal static string[] Segments(string relativePath)
    {
        if (string.IsNullOrEmpty(relativePath) || relativePath.StartsWith('/') || relativePath.Contains('\\', StringComparison.Ordinal) || relativePath.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{relativePath}' is not a relative path with '/' separators.", nameof(relativePath));
        }

        var segments = relativePath.Split('/');
        if (segments.Any(segment => segment.Length == 0 || segment is "." or ".."))
        {
            throw new ArgumentException($"'{relativePath}' has an empty, '.' or '..' segment.", nameof(relativePath));
        }

        return segments;
    }

    private static (string Hash, long Size) Hash(Folder folder)
    {
        var entries = new List<(byte[] Name, char Kind, string Hash, long Size)>();
        foreach (var (name, file) in folder.Files)
        {
            entries.Add((Encoding.UTF8.GetBytes(name), 'f', file.Sha256, file.Size));
        }

        foreach (var (name, child) in folder.Folders)
        {
            var (hash, size) = Hash(child);
            entries.Add((Encoding.UTF8.GetBytes(name), 'd', hash, size));
        }

        entries.Sort((x, y) => x.Name.AsSpan().SequenceCompareTo(y.Name));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        foreach (var (name, kind, hash, size) in entries)
        {
            sha.AppendData(Encoding.ASCII.GetBytes($"{kind} {hash} {size.ToString(CultureInfo.InvariantCulture)} "));
            sha.AppendData(name);
            sha.AppendData([0]);
            total += size;
        }

        return (Convert.ToHexStringLower(sha.GetHashAndReset()), total);
    }

    private sealed class Folder
    {
        public Dictionary<string, Folder> Folders { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, DatasetFile> Files { get; } = new(StringComparer.Ordinal);
    }
}
