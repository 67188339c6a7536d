using System.Security.Cryptography;

namespace Repro.Datasets;

/// <summary>
/// Fingerprints a folder or a list of files as a Merkle tree over the SHA-256 of every file
/// (<see cref="MerkleTree"/>), hashing files in parallel and taking unchanged files' hashes from a
/// <see cref="FileHashCache"/>. Symbolic links are followed when they lead to a file or folder inside the dataset's
/// root; a link that loops, dangles or leads outside it is an error, as is a file that changes, vanishes or cannot
/// be read while it is hashed. Nothing is written but the cache.
/// </summary>
public static class DatasetHasher
{
    /// <summary>Fingerprints every file below <paramref name="root"/> (empty folders hold no data and do not count).</summary>
    /// <exception cref="DatasetException">A file could not be hashed, or a link loops or escapes the root.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> is not a folder.</exception>
    public static DatasetHash HashDirectory(string root, DatasetHashOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        var fullRoot = RealPath(Path.GetFullPath(root));
        if (!Directory.Exists(fullRoot))
        {
            throw new DirectoryNotFoundException($"Cannot fingerprint {root}: it is not a folder.");
        }

        var files = new List<(string Relative, string Full, FileInfo? Info)>();
        Walk(fullRoot, fullRoot, string.Empty, [fullRoot], files, cancellation);
        return Hash(fullRoot, files, options ?? new DatasetHashOptions(), cancellation);
    }

    /// <summary>Fingerprints <paramref name="path"/>: a folder as <see cref="HashDirectory"/>, a single file as the tree holding just it.</summary>
    public static DatasetHash HashPath(string path, DatasetHashOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return File.Exists(path) && !Directory.Exists(path)
            ? HashFiles(Path.GetDirectoryName(Path.GetFullPath(path))!, [path], options, cancellation)
            : HashDirectory(path, options, cancellation);
    }

    /// <summary>
    /// Fingerprints the files <paramref name="paths"/>, named in the tree by their paths relative to
    /// <paramref name="baseDirectory"/> (which every one must lie below).
    /// </summary>
    /// <exception cref="DatasetException">A path lies outside <paramref name="baseDirectory"/>, is not a file, or could not be hashed.</exception>
    public static DatasetHash HashFiles(string baseDirectory, IEnumerable<string> paths, DatasetHashOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseDirectory);
        ArgumentNullException.ThrowIfNull(paths);
        var fullRoot = RealPath(Path.GetFullPath(baseDirectory));
        var files = new List<(string Relative, string Full, FileInfo? Info)>();
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path, fullRoot);
            var real = File.Exists(full) ? RealPath(full) : full;
            if (!IsBelow(real, fullRoot))
            {
                throw new DatasetException($"{path} lies outside the dataset's root {fullRoot}.", path);
            }

            if (!File.Exists(real))
            {
                throw new DatasetException($"{path} is not a file.", path);
            }

            files.Add((Path.GetRelativePath(fullRoot, full).Replace(Path.DirectorySeparatorChar, '/'), real, null));
        }

        return Hash(fullRoot, files, options ?? new DatasetHashOptions(), cancellation);
    }

    private static void Walk(string root, string folder, string relative, List<string> ancestors, List<(string, string, FileInfo?)> files, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(folder).EnumerateFileSystemInfos().ToList();
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new DatasetException($"The folder {folder} cannot be read: permission denied.", folder, exception);
        }
        catch (DirectoryNotFoundException exception)
        {
            throw new DatasetException($"The folder {folder} vanished while the dataset was being read.", folder, exception);
        }

        foreach (var entry in entries)
        {
            var name = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            if (!entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                // Not a link: the enumeration already holds its type, size and time, so no further stat is needed.
                if (entry is DirectoryInfo)
                {
                    Walk(root, entry.FullName, name, ancestors, files, cancellation);
                }
                else if (entry is FileInfo file)
                {
                    files.Add((name, file.FullName, file));
                }

                continue;
            }

            var target = ResolveLink(root, entry);
            if (Directory.Exists(target))
            {
                if (ancestors.Contains(target, StringComparer.Ordinal))
                {
                    throw new DatasetException($"The symbolic link {entry.FullName} leads back to {target}, a folder that contains it: a loop.", entry.FullName);
                }

                ancestors.Add(target);
                Walk(root, target, name, ancestors, files, cancellation);
                ancestors.RemoveAt(ancestors.Count - 1);
            }
            else if (File.Exists(target))
            {
                files.Add((name, target, null));
            }
        }
    }

    private static string ResolveLink(string root, FileSystemInfo link)
    {
        FileSystemInfo? target;
        try
        {
            target = link.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException exception)
        {
            throw new DatasetException($"The symbolic link {link.FullName} cannot be followed (a loop of links?): {exception.Message}", link.FullName, exception);
        }

        if (target is null || !target.Exists)
        {
            throw new DatasetException($"The symbolic link {link.FullName} leads to {link.LinkTarget}, which does not exist.", link.FullName);
        }

        var full = RealPath(target.FullName);
        if (!IsBelow(full, root))
        {
            throw new DatasetException($"The symbolic link {link.FullName} leads to {full}, outside the dataset's root {root}; copy the data in or fingerprint the folder it lies in.", link.FullName);
        }

        return full;
    }

    private static DatasetHash Hash(string root, List<(string Relative, string Full, FileInfo? Info)> found, DatasetHashOptions options, CancellationToken cancellation)
    {
        var ordered = found.ToArray();
        Array.Sort(ordered, (a, b) => MerkleTree.Compare(a.Relative, b.Relative));
        var cached = options.Cache?.EntriesBelow(root) ?? new();
        var results = new DatasetFile[ordered.Length];
        var fresh = new List<(string, long, long, long, string)>();
        var pending = new List<(int Index, FileInfo Info)>();
        for (var i = 0; i < ordered.Length; i++)
        {
            var info = ordered[i].Info ?? new FileInfo(ordered[i].Full);
            if (!info.Exists)
            {
                throw new DatasetException($"{ordered[i].Full} vanished while the dataset was being read.", ordered[i].Full);
            }

            if (!options.Verify && cached.TryGetValue(ordered[i].Full, out var entry) && FileHashCache.IsTrusted(entry, info.Length, info.LastWriteTimeUtc.Ticks))
            {
                results[i] = new DatasetFile(ordered[i].Relative, info.Length, entry.Sha256);
            }
            else
            {
                pending.Add((i, info));
            }
        }

        var total = pending.Sum(item => item.Info.Length);
        long done = 0;
        Parallel.ForEach(
            pending,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellation },
            item =>
            {
                var (index, info) = item;
                var hashedAt = DateTime.UtcNow.Ticks;
                var sha = HashFile(info);
                results[index] = new DatasetFile(ordered[index].Relative, info.Length, sha);
                lock (fresh)
                {
                    fresh.Add((ordered[index].Full, info.Length, info.LastWriteTimeUtc.Ticks, hashedAt, sha));
                }

                options.Progress?.Report((Interlocked.Add(ref done, info.Length), total));
            });

        options.Cache?.Store(fresh);
        return new DatasetHash
        {
            Root = MerkleTree.Root(results),
            Files = results.Length,
            Bytes = results.Sum(file => file.Size),
            FileList = results,
            FilesHashed = pending.Count,
        };
    }

    private static string HashFile(FileInfo before)
    {
        string sha;
        try
        {
            using var stream = new FileStream(before.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
            sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DatasetException($"{before.FullName} vanished while it was being hashed.", before.FullName, exception);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new DatasetException($"{before.FullName} cannot be read: permission denied.", before.FullName, exception);
        }
        catch (IOException exception)
        {
            throw new DatasetException($"{before.FullName} could not be read: {exception.Message}", before.FullName, exception);
        }

        var after = new FileInfo(before.FullName);
        if (!after.Exists || after.Length != before.Length || after.LastWriteTimeUtc != before.LastWriteTimeUtc)
        {
            throw new DatasetException($"{before.FullName} changed while it was being hashed; fingerprint the dataset once it is complete.", before.FullName);
        }

        return sha;
    }

    private static bool IsBelow(string path, string root) =>
        path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // The path with every symbolic link along it resolved, so containment checks compare real locations.
    private static string RealPath(string path)
    {
        var parent = Path.GetDirectoryName(path);
        var resolvedParent = parent is null ? null : RealPath(parent);
        var current = resolvedParent is null ? path : Path.Combine(resolvedParent, Path.GetFileName(path));
        var info = new FileInfo(current);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            return RealPath(target.FullName);
        }

        return current;
    }
}
