using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Repro.Datasets;
using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Lineage;

/// <summary>
/// Fingerprints of in-memory TorchSharp data (<c>repro-tensors-sha256-v1</c>, docs/formats/datasets.md): SHA-256
/// over every example in index order, each example's tensors in ordinal key order, each as key, element type, shape
/// and raw bytes. Record it with <c>run.LogDataset(name, fingerprint)</c>.
/// </summary>
public static class TensorFingerprint
{
    /// <summary>Fingerprints every example of <paramref name="dataset"/>, reading them in index order.</summary>
    public static DatasetHash OfDataset(utils.data.Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long bytes = 0;
        for (long index = 0; index < dataset.Count; index++)
        {
            using var scope = NewDisposeScope();
            var example = dataset.GetTensor(index);
            foreach (var key in example.Keys.Order(StringComparer.Ordinal))
            {
                bytes += Append(sha, key, example[key]);
            }
        }

        return new DatasetHash { Root = Convert.ToHexStringLower(sha.GetHashAndReset()), Files = dataset.Count, Bytes = bytes, Algorithm = DatasetHash.TensorAlgorithm };
    }

    /// <summary>
    /// Fingerprints tensors that hold one example per row (the first dimension), as if they were a dataset whose
    /// example <c>i</c> is row <c>i</c> of each: the same root as <see cref="OfDataset"/> over such a dataset.
    /// </summary>
    /// <exception cref="ArgumentException">The tensors are empty, scalars, or disagree on the number of rows.</exception>
    public static DatasetHash OfRows(IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0 || tensors.Values.Any(tensor => tensor.dim() == 0))
        {
            throw new ArgumentException("Give at least one tensor, each with a first dimension that counts examples.", nameof(tensors));
        }

        var rows = tensors.Values.First().shape[0];
        if (tensors.Values.Any(tensor => tensor.shape[0] != rows))
        {
            throw new ArgumentException("Every tensor must have the same number of rows (examples).", nameof(tensors));
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var scope = NewDisposeScope();
        var keys = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var contiguous = keys.ToDictionary(key => key, key => tensors[key].detach().cpu().contiguous(), StringComparer.Ordinal);
        long bytes = 0;
        for (long row = 0; row < rows; row++)
        {
            foreach (var key in keys)
            {
                bytes += Append(sha, key, contiguous[key][row]);
            }
        }

        return new DatasetHash { Root = Convert.ToHexStringLower(sha.GetHashAndReset()), Files = rows, Bytes = bytes, Algorithm = DatasetHash.TensorAlgorithm };
    }

    private static long Append(IncrementalHash sha, string key, Tensor tensor)
    {
        var data = tensor.detach().cpu().contiguous();
        sha.AppendData(Encoding.UTF8.GetBytes(key));
        sha.AppendData([0]);
        sha.AppendData(Encoding.UTF8.GetBytes(data.dtype.ToString()));
        sha.AppendData([0]);
        Span<byte> number = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(number, data.dim());
        sha.AppendData(number);
        foreach (var size in data.shape)
        {
            BinaryPrimitives.WriteInt64LittleEndian(number, size);
            sha.AppendData(number);
        }

        var raw = data.bytes;
        sha.AppendData(raw);
        return raw.Length;
    }
}
