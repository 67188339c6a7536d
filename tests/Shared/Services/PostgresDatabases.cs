using System.Globalization;
using Npgsql;
using Repro.Storage.Postgres;

namespace Repro.Tests.Shared.Services;

/// <summary>
/// One throwaway PostgreSQL cluster for a test class, started on first use (so a missing server skips the test, not
/// the class), with a fresh database per test: tests share the server, never their data.
/// </summary>
public sealed class PostgresDatabases : IDisposable
{
    private readonly object _gate = new();
    private PostgresServer? _server;
    private int _next;

    /// <summary>The cluster (started now if it is not yet).</summary>
    internal PostgresServer Server
    {
        get
        {
            lock (_gate)
            {
                return _server ??= PostgresServer.Start();
            }
        }
    }

    /// <summary>A new, empty database on the cluster, as the postgres:// address users give Repro.</summary>
    public string NewDatabase(bool migrate = true)
    {
        var server = Server;
        var name = "t" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }

        var url = $"postgres://{PostgresServer.UserName}@127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/{name}";
        if (migrate)
        {
            PostgresStore.Migrate(PostgresStoreAddress.Parse(url));
        }

        return url;
    }

    /// <summary>An open connection to the database at <paramref name="url"/>, for checks on the rows themselves.</summary>
    public static NpgsqlConnection Connect(string url)
    {
        var uri = new Uri(url);
        var connection = new NpgsqlConnection($"Host={uri.Host};Port={uri.Port.ToString(CultureInfo.InvariantCulture)};Username={PostgresServer.UserName};Database={uri.AbsolutePath.TrimStart('/')};Pooling=false");
        connection.Open();
        return connection;
    }

    /// <summary>The single value of a query.</summary>
    public static T Scalar<T>(string url, string sql)
    {
        using var connection = Connect(url);
        using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    public void Dispose() => _server?.Dispose();
}
