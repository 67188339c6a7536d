using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Repro.Artifacts.Remote;

/// <summary>What an upload found or did.</summary>
public enum UploadOutcome
{
    /// <summary>The object was sent.</summary>
    Uploaded,

    /// <summary>An object of that name and size was already there, so nothing was sent.</summary>
    AlreadyPresent,
}

/// <summary>
/// Objects of the content store kept in an S3-compatible bucket, named by their SHA-256 like the local ones. Uploads
/// are idempotent: an object already there (same name, same size) is not sent again, so the same checkpoint logged by
/// two runs is stored once. Large objects go in parts; every read is verified against the object's name.
/// </summary>
public sealed class S3ObjectStore : IDisposable
{
    private const string HashMetadataKey = "sha256";
    private readonly AmazonS3Client _client;
    private readonly S3StoreSettings _settings;
    private long _objectsUploaded;
    private long _objectsSkipped;
    private long _partsUploaded;

    /// <summary>Connects (lazily: no request is made here) to the store at <paramref name="address"/>.</summary>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public S3ObjectStore(RemoteStoreAddress address, S3StoreSettings settings)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Address = address;
        _settings = settings;
        var config = new AmazonS3Config
        {
            // Ask for checksums only where S3 requires them: S3-compatible servers differ in what else they accept.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = settings.RequestTimeout,
            MaxErrorRetry = 2, // the uploader retries with its own, longer backoff
        };
        if (settings.Endpoint is null)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.Region);
        }
        else
        {
            config.ServiceURL = settings.Endpoint.ToString();
            config.AuthenticationRegion = settings.Region;
            config.ForcePathStyle = true; // loopback and private servers rarely resolve bucket sub-domains
        }

        _client = settings.AccessKeyId is null
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey), config);
    }

    /// <summary>Where the objects lie.</summary>
    public RemoteStoreAddress Address { get; }

    /// <summary>Objects sent by this instance.</summary>
    public long ObjectsUploaded => Interlocked.Read(ref _objectsUploaded);

    /// <summary>Uploads skipped because the object was already there.</summary>
    public long ObjectsSkipped => Interlocked.Read(ref _objectsSkipped);

    /// <summary>Parts sent in multipart uploads by this instance.</summary>
    public long PartsUploaded => Interlocked.Read(ref _partsUploaded);

    /// <summary>The size of the object named <paramref name="hash"/> in the bucket, or null when it is not there.</summary>
    public async Task<long?> SizeOfAsync(string hash, CancellationToken cancellation = default)
    {
        try
        {
            var head = await _client.GetObjectMetadataAsync(Address.Bucket, Address.KeyOf(hash), cancellation).ConfigureAwait(false);
            return head.ContentLength;
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Every object under the store's <c>objects/sha256/</c> prefix, page by page: its hash, size and last change.
    /// Keys that are not content objects (another tool's files under the prefix) are left out.
    /// </summary>
    public async Task<IReadOnlyList<RemoteObject>> ListAsync(CancellationToken cancellation = default)
    {
        var root = Address.KeyOf(new string('0', 64));
        root = root[..(root.Length - 64 - 3)]; // ".../objects/sha256/"
        var objects = new List<RemoteObject>();
        var request = new ListObjectsV2Request { BucketName = Address.Bucket, Prefix = root };
        while (true)
        {
            var page = await _client.ListObjectsV2Async(request, cancellation).ConfigureAwait(false);
            foreach (var entry in page.S3Objects ?? [])
            {
                var hash = entry.Key[(entry.Key.LastIndexOf('/') + 1)..];
                if (ContentHash.IsValid(hash) && entry.Key == Address.KeyOf(hash))
                {
                    objects.Add(new RemoteObject(hash, entry.Size ?? 0, new DateTimeOffset(DateTime.SpecifyKind(entry.LastModified ?? DateTime.MinValue, DateTimeKind.Utc))));
                }
            }

            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                return objects;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <summary>Deletes the object named <paramref name="hash"/>; deleting one that is not there is no error.</summary>
    public async Task DeleteAsync(string hash, CancellationToken cancellation = default) =>
        await _client.DeleteObjectAsync(Address.Bucket, Address.KeyOf(hash), cancellation).ConfigureAwait(false);

    /// <summary>
    /// Uploads the file at <paramref name="path"/> as the object named <paramref name="hash"/>, unless an object of
    /// that name and size is already there. The caller vouches that the file's bytes hash to <paramref name="hash"/>
    /// (the content store's objects do). Files of <see cref="S3StoreSettings.MultipartThreshold"/> or more go in parts.
    /// </summary>
    public async Task<UploadOutcome> UploadAsync(string hash, string path, CancellationToken cancellation = default)
    {
        var size = new FileInfo(path).Length;
        if (await SizeOfAsync(hash, cancellation).ConfigureAwait(false) == size)
        {
            Interlocked.Increment(ref _objectsSkipped);
            return UploadOutcome.AlreadyPresent;
        }

        if (size >= _settings.MultipartThreshold)
        {
            await UploadInPartsAsync(hash, path, size, cancellation).ConfigureAwait(false);
        }
        else
        {
            var request = new PutObjectRequest
            {
                BucketName = Address.Bucket,
                Key = Address.KeyOf(hash),
                FilePath = path,
                ContentType = "application/octet-stream",
                UseChunkEncoding = false,
            };
            request.Metadata[HashMetadataKey] = hash;
            await _client.PutObjectAsync(request, cancellation).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _objectsUploaded);
        return UploadOutcome.Uploaded;
    }

    /// <summary>
    /// Reads the object named <paramref name="hash"/> from the bucket and returns what its bytes hash to (equal to
    /// <paramref name="hash"/> when it is intact).
    /// </summary>
    /// <exception cref="ObjectNotFoundException">The bucket has no such object.</exception>
    public async Task<string> HashAsync(string hash, CancellationToken cancellation = default)
    {
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await ReadAsync(hash, (buffer, count) => hasher.AppendData(buffer, 0, count), cancellation).ConfigureAwait(false);
        return Convert.ToHexStringLower(hasher.GetHashAndReset());
    }

    /// <summary>
    /// Copies the object named <paramref name="hash"/> from the bucket into <paramref name="store"/>, verified: when
    /// its bytes do not hash to its name it is reported and the local store gains nothing under that name.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">The bucket has no such object.</exception>
    /// <exception cref="CorruptObjectException">The remote bytes do not hash to the object's name.</exception>
    public async Task DownloadIntoAsync(string hash, ContentStore store, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var response = await GetAsync(hash, cancellation).ConfigureAwait(false);
        var stored = store.Put(response.ResponseStream, cancellation);
        if (stored.Hash != hash)
        {
            throw new CorruptObjectException(hash, Address.LocationOf(hash), stored.Hash);
        }
    }

    /// <summary>A pre-signed URL that lets anyone holding it read the object named <paramref name="hash"/> until it expires.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The expiry is not between one second and seven days (S3's limit).</exception>
    public string PresignGet(string hash, TimeSpan expiry)
    {
        if (expiry < TimeSpan.FromSeconds(1) || expiry > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(expiry), expiry, "A pre-signed URL expires after one second to seven days.");
        }

        return _client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = Address.Bucket,
            Key = Address.KeyOf(hash),
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow + expiry,
            Protocol = _settings.Endpoint?.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS,
        });
    }

    /// <summary>Closes the client.</summary>
    public void Dispose() => _client.Dispose();

    private async Task UploadInPartsAsync(string hash, string path, long size, CancellationToken cancellation)
    {
        var key = Address.KeyOf(hash);
        var start = new InitiateMultipartUploadRequest { BucketName = Address.Bucket, Key = key, ContentType = "application/octet-stream" };
        start.Metadata[HashMetadataKey] = hash;
        var upload = await _client.InitiateMultipartUploadAsync(start, cancellation).ConfigureAwait(false);
        try
        {
            var parts = new List<PartETag>();
            for (long position = 0, number = 1; position < size; position += _settings.PartSize, number++)
            {
                var part = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Address.Bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = (int)number,
                    FilePath = path,
                    FilePosition = position,
                    PartSize = Math.Min(_settings.PartSize, size - position),
                    UseChunkEncoding = false,
                }, cancellation).ConfigureAwait(false);
                parts.Add(new PartETag((int)number, part.ETag));
                Interlocked.Increment(ref _partsUploaded);
            }

            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Address.Bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, cancellation).ConfigureAwait(false);
        }
        catch
        {
            // Leave no half-finished upload to be billed for; if this fails too, the bucket's lifecycle rule cleans it.
            try
            {
                await _client.AbortMultipartUploadAsync(Address.Bucket, key, upload.UploadId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception abort) when (abort is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException)
            {
                // The original failure is the one worth reporting.
            }

            throw;
        }
    }

    private async Task<GetObjectResponse> GetAsync(string hash, CancellationToken cancellation)
    {
        try
        {
            return await _client.GetObjectAsync(Address.Bucket, Address.KeyOf(hash), cancellation).ConfigureAwait(false);
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException($"{Address.LocationOf(hash)} does not exist: the object was never uploaded or was removed from the bucket.");
        }
    }

    private async Task ReadAsync(string hash, Action<byte[], int> consume, CancellationToken cancellation)
    {
        using var response = await GetAsync(hash, cancellation).ConfigureAwait(false);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await response.ResponseStream.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
        {
            consume(buffer, read);
        }
    }
}
