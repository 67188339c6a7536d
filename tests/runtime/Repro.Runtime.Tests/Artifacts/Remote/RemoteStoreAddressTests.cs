using Repro.Artifacts.Remote;

namespace Repro.Runtime.Tests.Artifacts.Remote;

public class RemoteStoreAddressTests
{
    private const string Hash = "ab54d286cb7f0b2c7ad7c2e1c0f1b4b5e0f4d7a4c6e9d8f1a2b3c4d5e6f7a8b9";

    [Theory]
    [InlineData("s3://models", "models", "")]
    [InlineData("s3://models/", "models", "")]
    [InlineData("s3://team.models-eu/runs/2026/", "team.models-eu", "runs/2026")]
    [InlineData("S3://abc/x", "abc", "x")]
    public void Parses_bucket_and_prefix(string text, string bucket, string prefix)
    {
        var address = RemoteStoreAddress.Parse(text);

        Assert.Equal(bucket, address.Bucket);
        Assert.Equal(prefix, address.Prefix);
    }

    [Fact]
    public void Keys_mirror_the_local_store_layout_under_the_prefix()
    {
        Assert.Equal($"runs/objects/sha256/ab/{Hash}", RemoteStoreAddress.Parse("s3://models/runs").KeyOf(Hash));
        Assert.Equal($"objects/sha256/ab/{Hash}", RemoteStoreAddress.Parse("s3://models").KeyOf(Hash));
        Assert.Equal($"s3://models/runs/objects/sha256/ab/{Hash}", RemoteStoreAddress.Parse("s3://models/runs/").LocationOf(Hash));
    }

    [Fact]
    public void A_recorded_location_names_its_store()
    {
        var address = RemoteStoreAddress.Parse("s3://models/team/a");

        Assert.Equal(address, RemoteStoreAddress.FromLocation(address.LocationOf(Hash)));
        Assert.Equal(RemoteStoreAddress.Parse("s3://models"), RemoteStoreAddress.FromLocation(RemoteStoreAddress.Parse("s3://models").LocationOf(Hash)));
        Assert.Null(RemoteStoreAddress.FromLocation("cas:sha256/" + Hash));
        Assert.Throws<ArgumentException>(() => RemoteStoreAddress.FromLocation("s3://models/some/file.bin"));
    }

    [Fact]
    public void The_canonical_form_round_trips()
    {
        foreach (var text in new[] { "s3://models", "s3://models/a/b" })
        {
            Assert.Equal(text, RemoteStoreAddress.Parse(text).ToString());
            Assert.Equal(RemoteStoreAddress.Parse(text), RemoteStoreAddress.Parse(RemoteStoreAddress.Parse(text).ToString()));
        }
    }

    [Theory]
    [InlineData("http://models/x")]
    [InlineData("models/x")]
    [InlineData("s3://")]
    [InlineData("s3://ab")]
    [InlineData("s3://Models")]
    [InlineData("s3://-models")]
    [InlineData("s3://models..eu")]
    [InlineData("s3://under_score")]
    [InlineData("s3://models/a//b")]
    [InlineData("s3://models/../b")]
    [InlineData("s3://models/a/./b")]
    public void Rejects_what_is_not_a_bucket_and_prefix(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => RemoteStoreAddress.Parse(text));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Theory]
    [InlineData("s3://AKIAEXAMPLE:wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY@models/x")]
    [InlineData("s3://models/x?secret=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY")]
    public void Refuses_credentials_in_the_address_without_repeating_them(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => RemoteStoreAddress.Parse(text));

        Assert.Contains("AWS_ACCESS_KEY_ID", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_need_a_valid_content_hash()
    {
        var address = RemoteStoreAddress.Parse("s3://models");

        Assert.ThrowsAny<ArgumentException>(() => address.KeyOf("../../etc/passwd"));
        Assert.ThrowsAny<ArgumentException>(() => address.KeyOf(Hash.ToUpperInvariant()));
    }

    [Fact]
    public void Settings_never_print_their_secret()
    {
        var settings = new S3StoreSettings { AccessKeyId = "AKIAEXAMPLE", SecretAccessKey = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", Endpoint = new Uri("http://127.0.0.1:9000") };

        Assert.DoesNotContain("wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", settings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAEXAMPLE", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_reject_parts_smaller_than_s3_accepts_and_half_given_credentials()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new S3StoreSettings { PartSize = 1024 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new S3StoreSettings { PartSize = 8L << 20, MultipartThreshold = 6L << 20 }.Validate());
        Assert.Throws<ArgumentException>(() => new S3StoreSettings { AccessKeyId = "AKIAEXAMPLE" }.Validate());
        Assert.Throws<ArgumentException>(() => new S3StoreSettings { Endpoint = new Uri("ftp://127.0.0.1") }.Validate());
        Assert.Throws<ArgumentException>(() => new S3StoreSettings { Endpoint = new Uri("http://user:pw@127.0.0.1") }.Validate());
    }
}
