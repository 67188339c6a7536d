namespace Repro.Datasets;

/// <summary>How <see cref="DatasetHasher"/> fingerprints a dataset.</summary>
public sealed record DatasetHashOptions
{
    /// <summary>
    /// The cache of file hashes by path, size and modification time (see <see cref="FileHashCache"/>); null hashes
    /// every file. Fresh hashes are written back to it.
    /// </summary>
    public FileHashCache? Cache { get; init; }

    /// <summary>Rehash every file even when the cache knows it (the cache is refreshed): <c>--verify</c>.</summary>
    public bool Verify { get; init; }

    /// <summary>How many files are hashed at once; by default one per processor.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Receives the number of bytes hashed so far and the total to hash, as hashing proceeds.</summary>
    public IProgress<(long Done, long Total)>? Progress { get; init; }
}
