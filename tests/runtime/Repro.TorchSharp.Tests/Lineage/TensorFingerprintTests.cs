using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Repro.Datasets;
using Repro.TorchSharp.Lineage;
using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Tests.Lineage;

/// <summary>Fingerprints of in-memory tensors, against the encoding written out by hand from docs/formats/datasets.md.</summary>
public class TensorFingerprintTests
{
    [Fact]
    public void The_root_follows_the_documented_encoding()
    {
        var features = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2]);
        var labels = tensor(new long[] { 0, 1, 1 });

        var fingerprint = TensorFingerprint.OfRows(new Dictionary<string, Tensor> { ["y"] = labels, ["x"] = features });

        using var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var row = 0; row < 3; row++)
        {
            Append(expected, "x", "Float32", [2], MemoryMarshalBytes(new float[] { 1 + (2 * row), 2 + (2 * row) }));
            Append(expected, "y", "Int64", [], MemoryMarshalBytes(new long[] { row == 0 ? 0 : 1 }));
        }

        Assert.Equal(Convert.ToHexStringLower(expected.GetHashAndReset()), fingerprint.Root);
        Assert.Equal(3, fingerprint.Files);
        Assert.Equal((3 * 2 * 4) + (3 * 8), fingerprint.Bytes);
        Assert.Equal(DatasetHash.TensorAlgorithm, fingerprint.Algorithm);
    }

    [Fact]
    public void A_dataset_and_its_rows_give_the_same_root_and_any_change_gives_another()
    {
        random.manual_seed(3);
        var x = randn(20, 2);
        var y = randint(0, 2, [20]);
        var rows = TensorFingerprint.OfRows(new Dictionary<string, Tensor> { ["x"] = x, ["y"] = y });

        Assert.Equal(rows.Root, TensorFingerprint.OfDataset(new Rows(x, y)).Root);
        Assert.NotEqual(rows.Root, TensorFingerprint.OfRows(new Dictionary<string, Tensor> { ["x"] = x.to_type(ScalarType.Float64), ["y"] = y }).Root);
        var nudged = x.clone();
        nudged[7, 1] = nudged[7, 1] + 1e-6f;
        Assert.NotEqual(rows.Root, TensorFingerprint.OfRows(new Dictionary<string, Tensor> { ["x"] = nudged, ["y"] = y }).Root);
        Assert.NotEqual(rows.Root, TensorFingerprint.OfRows(new Dictionary<string, Tensor> { ["x"] = x.flip(0), ["y"] = y.flip(0) }).Root);
        Assert.Throws<ArgumentException>(() => TensorFingerprint.OfRows(new Dictionary<string, Tensor> { ["x"] = x, ["y"] = y[..5] }));
    }

    private static void Append(IncrementalHash sha, string key, string type, long[] shape, byte[] data)
    {
        sha.AppendData(Encoding.UTF8.GetBytes(key + "\0" + type + "\0"));
        var number = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(number, shape.Length);
        sha.AppendData(number);
        foreach (var size in shape)
        {
            BinaryPrimitives.WriteInt64LittleEndian(number, size);
            sha.AppendData(number);
        }

        sha.AppendData(data);
    }

    private static byte[] MemoryMarshalBytes<T>(T[] values)
        where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private sealed class Rows(Tensor x, Tensor y) : utils.data.Dataset
    {
        public override long Count => x.shape[0];

        public override Dictionary<string, Tensor> GetTensor(long index) => new() { ["x"] = x[index], ["y"] = y[index] };
    }
}
