using System.Globalization;
using Npgsql;

namespace Repro.Storage.Postgres;

/// <summary>
/// Where the central PostgreSQL store lies: <c>postgres://user[:password]@host[:port]/database[?sslmode=require&amp;…]</c>
/// (or <c>postgresql://</c>), or an Npgsql connection string (<c>Host=…;Username=…</c>). A password is best left out
/// of the address and given through <c>PGPASSWORD</c> or a <c>~/.pgpass</c> file; wherever it comes from, it never
/// appears in <see cref="ToString"/>, in a message, in a manifest, an event or a log.
/// </summary>
public sealed class PostgresStoreAddress
{
    /// <summary>The environment variable that names the central store (for live shipping and for the CLI).</summary>
    public const string EnvironmentVariable = "REPRO_STORE";

    // URL query parameters (libpq's names) and the Npgsql keywords they set.
    private static readonly Dictionary<string, string> s_queryKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["host"] = "Host",
        ["port"] = "Port",
        ["user"] = "Username",
        ["dbname"] = "Database",
        ["passfile"] = "Passfile",
    };

    private PostgresStoreAddress(NpgsqlConnectionStringBuilder builder)
    {
        // Repro's own name in pg_stat_activity unless the address chose one.
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "repro";
        }

        // Repro's connections are few and long (a shipper's session) or one-off (a command): a pool would only keep
        // connections a server restart has broken, to fail the next command that draws one.
        builder.Pooling = false;
        ConnectionString = builder.ConnectionString;
        var port = builder.Port == NpgsqlConnection.DefaultPort ? string.Empty : ":" + builder.Port.ToString(CultureInfo.InvariantCulture);
        var user = string.IsNullOrEmpty(builder.Username) ? string.Empty : Uri.EscapeDataString(builder.Username) + "@";
        Display = $"postgres://{user}{builder.Host}{port}/{builder.Database ?? string.Empty}";
    }

    /// <summary>The Npgsql connection string, password included when the address had one: never print or record it.</summary>
    internal string ConnectionString { get; }

    /// <summary>The address without its password: what messages and records show.</summary>
    public string Display { get; }

    /// <inheritdoc />
    public override string ToString() => Display;

    /// <summary>The store named by <c>REPRO_STORE</c>, or null when it is unset or empty.</summary>
    /// <exception cref="ArgumentException">The variable is set to something that is not a PostgreSQL address.</exception>
    public static PostgresStoreAddress? FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? null : Parse(value);
    }

    /// <summary>Parses a <c>postgres://</c> address or an Npgsql connection string.</summary>
    /// <exception cref="ArgumentException">Not a PostgreSQL address; the message never repeats the address (it may hold a password).</exception>
    public static PostgresStoreAddress Parse(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var text = address.Trim();
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresStoreAddress(FromUrl(text));
        }

        if (text.Contains("://", StringComparison.Ordinal) || !text.Contains('=', StringComparison.Ordinal))
        {
            throw new ArgumentException("The store address must be postgres://user@host:port/database (or an Npgsql connection string such as Host=…;Username=…;Database=…).", nameof(address));
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(text);
            return string.IsNullOrEmpty(builder.Host)
                ? throw new ArgumentException("The store's connection string names no Host.", nameof(address))
                : new PostgresStoreAddress(builder);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"The store's connection string cannot be read: {Security.SecretRedactor.Redact(e.Message)}", nameof(address));
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host) && !address.Contains("host=", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The store address is not a valid URL: write postgres://user@host:port/database.", nameof(address));
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port < 0 ? NpgsqlConnection.DefaultPort : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } database ? database : "postgres",
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!s_queryKeywords.TryGetValue(key, out var keyword))
            {
                throw new ArgumentException($"The store address has a parameter Repro does not know: '{key}' (known: {string.Join(", ", s_queryKeywords.Keys)}).", nameof(address));
            }

            builder[keyword] = value;
        }

        return builder;
    }
}
