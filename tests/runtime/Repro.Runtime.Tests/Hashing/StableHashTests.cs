using System.Globalization;

namespace Repro.Runtime.Tests.Hashing;

public class StableHashTests
{
    [Theory]
    // XxHash32 (seed 0) reference vectors: the value is part of the contract, so splits made today hold tomorrow.
    [InlineData("", 0x02CC5D05u)]
    [InlineData("abc", 0x32D153FFu)]
    public void The_hash_is_XxHash32_of_the_utf8_bytes(string text, uint expected) =>
        Assert.Equal(unchecked((int)expected), StableHash.Of(text));

    [Fact]
    public void Long_and_non_ascii_strings_hash_like_their_utf8_bytes()
    {
        var text = string.Concat(Enumerable.Repeat("données-ü-🙂/", 200));
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);

        Assert.True(bytes.Length > 512);
        Assert.Equal(unchecked((int)System.IO.Hashing.XxHash32.HashToUInt32(bytes)), StableHash.Of(text));
    }

    [Fact]
    public void Buckets_cover_the_range_and_do_not_depend_on_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("tr-TR");
            var turkish = Enumerable.Range(0, 1000).Select(i => StableHash.Bucket($"image-{i}.png", 10)).ToArray();
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var invariant = Enumerable.Range(0, 1000).Select(i => StableHash.Bucket($"image-{i}.png", 10)).ToArray();

            Assert.Equal(invariant, turkish);
            Assert.Equal(Enumerable.Range(0, 10), invariant.Distinct().Order());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Bad_input_is_refused_clearly()
    {
        Assert.Throws<ArgumentNullException>(() => StableHash.Of(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => StableHash.Bucket("x", 0));
    }
}
