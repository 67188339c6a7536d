using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Repro.Artifacts;
using Repro.Artifacts.Remote;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Services;

namespace Repro.Runtime.Tests.Artifacts.Remote;

/// <summary>The S3 object store against a real S3-compatible server on loopback.</summary>
public sealed class S3ObjectStoreTests : IDisposable
{
    private readonly TemporaryDirectory _home = new();
    private S3Server? _started;

    // Started inside the test, so a machine without Node.js skips it rather than failing construction.
    private S3Server Server => _started ??= S3Server.Start();

    public void Dispose()
    {
        _started?.Dispose();
        _home.Dispose();
    }

    [SkippableFact]
    public async Task Uploads_an_object_once_and_reads_it_back_verified()
    {
        var local = new ContentStore(_home.Path);
        var stored = local.Put(Bytes(100_000, seed: 1));
        using var remote = Remote();

        Assert.Null(await remote.SizeOfAsync(stored.Hash));
        Assert.Equal(UploadOutcome.Uploaded, await remote.UploadAsync(stored.Hash, local.PathOf(stored.Hash)));
        Assert.Equal(UploadOutcome.AlreadyPresent, await remote.UploadAsync(stored.Hash, local.PathOf(stored.Hash)));

        Assert.Equal(100_000, await remote.SizeOfAsync(stored.Hash));
        Assert.Equal(stored.Hash, await remote.HashAsync(stored.Hash));
        Assert.Equal(1, remote.ObjectsUploaded);
        Assert.Equal(1, remote.ObjectsSkipped);

        using var elsewhere = new TemporaryDirectory();
        var other = new ContentStore(elsewhere.Path);
        await remote.DownloadIntoAsync(stored.Hash, other);
        other.Verify(stored.Hash);
    }

    [SkippableFact]
    public async Task Large_objects_go_in_parts_and_arrive_whole()
    {
        var local = new ContentStore(_home.Path);
        var stored = local.Put(Bytes((int)(S3StoreSettings.MinimumPartSize * 2 + 12345), seed: 2));
        using var remote = Remote(new S3StoreSettings { Endpoint = Server.Endpoint, PartSize = S3StoreSettings.MinimumPartSize, MultipartThreshold = S3StoreSettings.MinimumPartSize });

        await remote.UploadAsync(stored.Hash, local.PathOf(stored.Hash));

        Assert.Equal(3, remote.PartsUploaded);
        Assert.Equal(stored.Hash, await remote.HashAsync(stored.Hash));
    }

    [SkippableFact]
    public async Task A_damaged_remote_object_is_reported_and_never_enters_the_local_store()
    {
        var local = new ContentStore(_home.Path);
        var stored = local.Put(Bytes(4096, seed: 3));
        using var remote = Remote();
        await remote.UploadAsync(stored.Hash, local.PathOf(stored.Hash));
        await Overwrite(remote.Address.KeyOf(stored.Hash), Bytes(4096, seed: 4));

        Assert.NotEqual(stored.Hash, await remote.HashAsync(stored.Hash));
        using var elsewhere = new TemporaryDirectory();
        var other = new ContentStore(elsewhere.Path);
        var error = await Assert.ThrowsAsync<CorruptObjectException>(() => remote.DownloadIntoAsync(stored.Hash, other));
        Assert.Contains(remote.Address.LocationOf(stored.Hash), error.Message, StringComparison.Ordinal);
        Assert.False(other.Contains(stored.Hash));
    }

    [SkippableFact]
    public async Task A_missing_remote_object_is_named()
    {
        using var remote = Remote();
        var hash = ContentHash.Of("never uploaded"u8);

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => remote.HashAsync(hash));
        Assert.Contains(hash, error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_presigned_url_reads_the_object_until_it_expires()
    {
        var local = new ContentStore(_home.Path);
        var stored = local.Put("weights"u8.ToArray());
        using var remote = Remote();
        await remote.UploadAsync(stored.Hash, local.PathOf(stored.Hash));
        using var http = new HttpClient();

        var url = remote.PresignGet(stored.Hash, TimeSpan.FromMinutes(10));
        Assert.DoesNotContain(S3Server.SecretKey + "&", url, StringComparison.Ordinal);
        Assert.Equal("weights", await http.GetStringAsync(new Uri(url)));

        var shortLived = remote.PresignGet(stored.Hash, TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var expired = await http.GetAsync(new Uri(shortLived));
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);

        Assert.Throws<ArgumentOutOfRangeException>(() => remote.PresignGet(stored.Hash, TimeSpan.FromDays(8)));
    }

    private S3ObjectStore Remote(S3StoreSettings? settings = null) =>
        new(RemoteStoreAddress.Parse($"s3://{S3Server.Bucket}/unit"), settings ?? new S3StoreSettings { Endpoint = Server.Endpoint });

    private async Task Overwrite(string key, byte[] bytes)
    {
        using var client = new AmazonS3Client(new BasicAWSCredentials(S3Server.AccessKey, S3Server.SecretKey), new AmazonS3Config
        {
            ServiceURL = Server.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        });
        await client.PutObjectAsync(new PutObjectRequest { BucketName = S3Server.Bucket, Key = key, InputStream = new MemoryStream(bytes), UseChunkEncoding = false });
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
