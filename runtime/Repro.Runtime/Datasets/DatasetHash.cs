namespace Repro.Datasets;

/// <summary>One file of a fingerprinted dataset.</summary>
/// <param name="RelativePath">Path below the dataset's root, folders separated by '/'.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the file's bytes, 64 lowercase hexadecimal digits.</param>
public sealed record DatasetFile(string RelativePath, long Size, string Sha256);

/// <summary>
/// The fingerprint of a dataset: the root of a Merkle tree over the SHA-256 of every file (encoding in
/// <c>docs/formats/datasets.md</c>), how many files and bytes it covers, and the files themselves in canonical order
/// (ordinal by the UTF-8 bytes of their relative paths).
/// </summary>
public sealed record DatasetHash
{
    /// <summary>The name of the tree encoding, recorded with every fingerprint so a later version can change it.</summary>
    public const string MerkleAlgorithm = "repro-merkle-sha256-v1";

    /// <summary>The name of the encoding of in-memory tensor datasets.</summary>
    public const string TensorAlgorithm = "repro-tensors-sha256-v1";

    /// <summary>The root hash: 64 lowercase hexadecimal digits.</summary>
    public required string Root { get; init; }

    /// <summary>How many files (or, for tensor datasets, samples) it covers.</summary>
    public required long Files { get; init; }

    /// <summary>Their total size in bytes.</summary>
    public required long Bytes { get; init; }

    /// <summary>Which encoding produced <see cref="Root"/>.</summary>
    public string Algorithm { get; init; } = MerkleAlgorithm;

    /// <summary>The files, in canonical order; empty for tensor datasets.</summary>
    public IReadOnlyList<DatasetFile> FileList { get; init; } = [];

    /// <summary>How many files were read and hashed (the rest came from the cache).</summary>
    public long FilesHashed { get; init; }
}
