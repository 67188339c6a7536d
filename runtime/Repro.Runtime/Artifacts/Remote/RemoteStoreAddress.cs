using System.Text.RegularExpressions;

namespace Repro.Artifacts.Remote;

/// <summary>
/// Where a remote artifact store lies: <c>s3://bucket/prefix</c>. Objects are kept under the prefix with the local
/// store's layout (<c>objects/sha256/ab/&lt;hash&gt;</c>), so one bucket can serve many homes and a copy made with any
/// S3 tool stays readable. The address never holds credentials: they come from the usual AWS variables or options,
/// and an address with a user name or password in it is refused, so it can be recorded as it is.
/// </summary>
public sealed partial record RemoteStoreAddress
{
    /// <summary>The environment variable that turns the remote store on.</summary>
    public const string EnvironmentVariable = "REPRO_ARTIFACT_STORE";

    private RemoteStoreAddress(string bucket, string prefix)
    {
        Bucket = bucket;
        Prefix = prefix;
    }

    /// <summary>The bucket.</summary>
    public string Bucket { get; }

    /// <summary>The key prefix, without leading or trailing slashes (empty for the bucket's root).</summary>
    public string Prefix { get; }

    /// <summary>Parses <c>s3://bucket[/prefix]</c>.</summary>
    /// <exception cref="ArgumentException">Not an S3 address, an invalid bucket name, credentials or a query in it.</exception>
    public static RemoteStoreAddress Parse(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        const string scheme = "s3://";
        if (!address.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{address}' is not a remote artifact store: use s3://bucket/prefix.", nameof(address));
        }

        var rest = address[scheme.Length..];
        if (rest.Contains('@', StringComparison.Ordinal) || rest.Contains('?', StringComparison.Ordinal) || rest.Contains('#', StringComparison.Ordinal))
        {
            // Never echo the address: a user name or password in it would reach the terminal and the logs.
            throw new ArgumentException("The artifact store address must be s3://bucket/prefix with no user name, password or query: "
                + "give credentials through AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an AWS profile), never in the address.", nameof(address));
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/');
        if (!BucketName().IsMatch(bucket) || bucket.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{bucket}' is not a valid bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, "
                + "starting and ending with a letter or digit.", nameof(address));
        }

        if (prefix.Split('/').Any(part => (part.Length == 0 && prefix.Length > 0) || part is "." or ".." || part.Any(char.IsControl)))
        {
            throw new ArgumentException($"'{prefix}' is not a valid key prefix: no empty, '.' or '..' segments and no control characters.", nameof(address));
        }

        return new RemoteStoreAddress(bucket, prefix);
    }

    /// <summary>
    /// The address in <see cref="EnvironmentVariable"/>, or null when it is unset or empty.
    /// </summary>
    /// <exception cref="ArgumentException">The variable is set to an invalid address.</exception>
    public static RemoteStoreAddress? FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? null : Parse(value);
    }

    /// <summary>The key of the object named <paramref name="hash"/>.</summary>
    public string KeyOf(string hash)
    {
        ContentHash.Validate(hash, nameof(hash));
        var relative = $"objects/sha256/{hash[..2]}/{hash}";
        return Prefix.Length == 0 ? relative : Prefix + "/" + relative;
    }

    /// <summary>The full location of the object named <paramref name="hash"/>: <c>s3://bucket/prefix/objects/sha256/ab/&lt;hash&gt;</c>.</summary>
    public string LocationOf(string hash) => $"s3://{Bucket}/{KeyOf(hash)}";

    /// <summary>
    /// The store an object location (<c>s3://bucket/prefix/objects/sha256/ab/&lt;hash&gt;</c>, as artifacts record it)
    /// lies in, or null when the location is not remote.
    /// </summary>
    /// <exception cref="ArgumentException">The location is remote but not an object location.</exception>
    public static RemoteStoreAddress? FromLocation(string? location)
    {
        if (!IsRemoteLocation(location))
        {
            return null;
        }

        var objects = location!.LastIndexOf("/objects/sha256/", StringComparison.Ordinal);
        if (objects < 0)
        {
            throw new ArgumentException($"'{location}' is not the location of an object in an artifact store.", nameof(location));
        }

        return Parse(location[..objects]);
    }

    /// <summary>Whether <paramref name="location"/> is an object location in some S3 store.</summary>
    public static bool IsRemoteLocation(string? location) => location?.StartsWith("s3://", StringComparison.Ordinal) == true;

    /// <summary>The canonical form, <c>s3://bucket/prefix</c>.</summary>
    public override string ToString() => Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Prefix}";

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();
}
