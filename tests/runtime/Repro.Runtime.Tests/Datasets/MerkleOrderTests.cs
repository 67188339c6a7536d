using System.Text;
using Repro.Datasets;

namespace Repro.Runtime.Tests.Datasets;

/// <summary>Canonical path order is the order of UTF-8 bytes, including characters beyond U+FFFF.</summary>
public class MerkleOrderTests
{
    [Fact]
    public void Paths_sort_by_their_utf8_bytes()
    {
        // Fixed seed; includes ASCII, Latin, CJK, private-use (U+E000..) and supplementary characters (surrogate pairs).
        var random = new Random(20261204);
        string[] alphabet = ["a", "B", "z", "é", "中", "\uE000", "\uFFFD", "😀", "𝄞", "/", "0"];
        var paths = Enumerable.Range(0, 500).Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => alphabet[random.Next(alphabet.Length)]))).ToList();

        var ours = paths.Order(Comparer<string>.Create(MerkleTree.Compare)).ToList();
        var bytes = paths.OrderBy(path => Encoding.UTF8.GetBytes(path), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToList();

        Assert.Equal(bytes, ours);
        Assert.True(MerkleTree.Compare("\uE000", "😀") < 0); // U+E000 before U+1F600, although its UTF-16 unit is larger
    }
}
