using System.Globalization;

namespace Repro.Artifacts.Remote;

/// <summary>
/// How to reach an S3-compatible store. By default everything comes from the usual AWS variables
/// (<c>AWS_ENDPOINT_URL_S3</c> or <c>AWS_ENDPOINT_URL</c>, <c>AWS_REGION</c>, and the SDK's credential chain:
/// <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, profiles, instance roles). Credentials given here are
/// used for requests only: they are never recorded, and <see cref="ToString"/> leaves them out.
/// </summary>
public sealed class S3StoreSettings
{
    /// <summary>Smallest part S3 accepts in a multipart upload (except the last).</summary>
    public const long MinimumPartSize = 5L * 1024 * 1024;

    /// <summary>The service endpoint (a MinIO, Ceph or loopback server); null for AWS itself.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The region; <c>us-east-1</c> when nothing says otherwise.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Access key id; null to use the SDK's credential chain.</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>Secret access key; null to use the SDK's credential chain. Never recorded.</summary>
    public string? SecretAccessKey { get; init; }

    /// <summary>Objects at least this large are uploaded in parts (default 64 MiB).</summary>
    public long MultipartThreshold { get; init; } = 64L * 1024 * 1024;

    /// <summary>Size of each part of a multipart upload (default 16 MiB; at least <see cref="MinimumPartSize"/>).</summary>
    public long PartSize { get; init; } = 16L * 1024 * 1024;

    /// <summary>First wait after a failed upload; it doubles on every further failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two tries of one upload (default one minute).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a request may take before it counts as failed (default five minutes).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Settings from the usual AWS environment variables.</summary>
    /// <exception cref="ArgumentException">An endpoint variable is set to something that is not an absolute http(s) URL.</exception>
    public static S3StoreSettings FromEnvironment()
    {
        var endpoint = FirstSet("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
        var region = FirstSet("AWS_REGION", "AWS_DEFAULT_REGION");
        return new S3StoreSettings
        {
            Endpoint = endpoint is null ? null : ParseEndpoint(endpoint),
            Region = region ?? "us-east-1",
        };
    }

    /// <summary>Checks the settings, saying what is wrong.</summary>
    /// <exception cref="ArgumentException">A size, delay or endpoint is out of range.</exception>
    public void Validate()
    {
        if (Endpoint is not null && (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps) || Endpoint.UserInfo.Length > 0))
        {
            throw new ArgumentException("The S3 endpoint must be an absolute http or https URL with no user name or password.", nameof(Endpoint));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(Region, nameof(Region));
        if (PartSize < MinimumPartSize)
        {
            throw new ArgumentOutOfRangeException(nameof(PartSize), PartSize, $"S3 parts must be at least {MinimumPartSize} bytes.");
        }

        if (MultipartThreshold < PartSize)
        {
            throw new ArgumentOutOfRangeException(nameof(MultipartThreshold), MultipartThreshold, "The multipart threshold must be at least one part.");
        }

        if (FirstRetryDelay <= TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay || RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FirstRetryDelay), "Retry delays and the request timeout must be positive, the longest delay no shorter than the first.");
        }

        if ((AccessKeyId is null) != (SecretAccessKey is null))
        {
            throw new ArgumentException("Give both the access key id and the secret access key, or neither.", nameof(AccessKeyId));
        }
    }

    /// <summary>The settings without credentials, fit for a log.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"endpoint={Endpoint?.ToString() ?? "aws"}, region={Region}, credentials={(AccessKeyId is null ? "sdk chain" : "given")}, part={PartSize}");

    private static Uri ParseEndpoint(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException("AWS_ENDPOINT_URL(_S3) is not an absolute URL.", nameof(text));
        }

        return uri;
    }

    private static string? FirstSet(params string[] names) =>
        names.Select(Environment.GetEnvironmentVariable).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
}
