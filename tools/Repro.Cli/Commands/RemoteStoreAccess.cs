using System.CommandLine;
using System.Globalization;
using Repro.Artifacts.Remote;
using Repro.Runs;

namespace Repro.Cli.Commands;

/// <summary>
/// How the artifact commands reach a remote store: the address from <c>--store</c>, else from where the run's
/// artifacts say they lie, else <c>REPRO_ARTIFACT_STORE</c>; the endpoint from <c>--endpoint-url</c> or the usual
/// AWS variables; credentials only from the SDK's chain (variables, profiles), never from the command line.
/// </summary>
internal sealed class RemoteStoreAccess
{
    private readonly Option<string?> _store = new("--store") { Description = "The remote store, s3://bucket/prefix (default: where the run's artifacts were uploaded, else $REPRO_ARTIFACT_STORE)." };
    private readonly Option<string?> _endpoint = EndpointOption();

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_store);
        command.Options.Add(_endpoint);
    }

    /// <summary>
    /// The address the user named, the one <paramref name="manifest"/>'s artifacts were uploaded to, or (unless
    /// <paramref name="recordedOnly"/>) the environment's; null when none.
    /// </summary>
    public RemoteStoreAddress? Address(ParseResult parse, RunManifest? manifest = null, bool recordedOnly = false)
    {
        if (parse.GetValue(_store) is { } typed)
        {
            return RemoteStoreAddress.Parse(typed);
        }

        var recorded = manifest?.Lineage.Artifacts.Select(artifact => artifact.Location).FirstOrDefault(RemoteStoreAddress.IsRemoteLocation);
        return RemoteStoreAddress.FromLocation(recorded) ?? (recordedOnly ? null : RemoteStoreAddress.FromEnvironment());
    }

    /// <summary>A client for <paramref name="address"/>.</summary>
    public S3ObjectStore Open(ParseResult parse, RemoteStoreAddress address) => Open(address, parse.GetValue(_endpoint));

    /// <summary>A client for <paramref name="address"/> at <paramref name="endpoint"/> (null: the environment's, else AWS).</summary>
    public static S3ObjectStore Open(RemoteStoreAddress address, string? endpoint)
    {
        var settings = S3StoreSettings.FromEnvironment();
        if (endpoint is not null)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            {
                throw new ArgumentException($"--endpoint-url '{endpoint}' is not an absolute URL.");
            }

            settings = new S3StoreSettings { Endpoint = uri, Region = settings.Region };
        }

        return new S3ObjectStore(address, settings);
    }

    /// <summary>The <c>--endpoint-url</c> option, for commands that name a remote store another way.</summary>
    public static Option<string?> EndpointOption() => new("--endpoint-url") { Description = "The S3-compatible endpoint (default: $AWS_ENDPOINT_URL_S3 or $AWS_ENDPOINT_URL; AWS itself when unset)." };

    /// <summary>Parses an expiry such as <c>90s</c>, <c>30m</c>, <c>12h</c> or <c>7d</c>.</summary>
    public static TimeSpan ParseExpiry(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var unit = text[^1];
        if (!long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            throw new ArgumentException($"'{text}' is not an expiry: use a positive whole number and s, m, h or d (for example 1h).");
        }

        return unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => throw new ArgumentException($"'{text}' is not an expiry: use a positive whole number and s, m, h or d (for example 1h)."),
        };
    }
}
