using System.Net.Sockets;
using Npgsql;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Services;

namespace Repro.Runtime.Tests.Storage.Postgres;

/// <summary>
/// The throwaway cluster the central-store tests stand on keeps its promises: a real server of its own on loopback
/// only, an outage that keeps the data, and nothing left behind.
/// </summary>
public sealed class PostgresServerTests
{
    [SkippableFact]
    public async Task A_cluster_of_its_own_listens_on_loopback_only_survives_an_outage_and_leaves_nothing_behind()
    {
        string folder;
        int port;
        using (var server = PostgresServer.Start())
        {
            folder = server.Folder;
            port = server.Port;
            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync();
                Assert.Equal("127.0.0.1", await Scalar<string>(connection, "SELECT current_setting('listen_addresses')"));
                Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), await Scalar<string>(connection, "SELECT current_setting('port')"));
                Assert.Equal(PostgresServer.UserName, await Scalar<string>(connection, "SELECT current_user"));
                Assert.True(await Scalar<int>(connection, "SELECT current_setting('server_version_num')::int") >= 130000, "PostgreSQL 13 or later");
                await Execute(connection, "CREATE TABLE kept (value int); INSERT INTO kept VALUES (42)");
                if (Environment.IsPrivilegedProcess)
                {
                    // PostgreSQL refuses root: under root the server runs as, and its data belongs to, the postgres user.
                    var dataDirectory = await Scalar<string>(connection, "SELECT current_setting('data_directory')");
                    Assert.Equal("postgres", ChildProcess.Run("stat", ["-c", "%U", dataDirectory], folder).EnsureSuccess("stat").Output.Trim());
                }
            }

            // An immediate stop is an outage: clients are refused, and the committed row is there when it returns.
            server.Stop();
            await Assert.ThrowsAnyAsync<NpgsqlException>(async () =>
            {
                await using var refused = new NpgsqlConnection(server.ConnectionString);
                await refused.OpenAsync();
            });
            server.Resume();
            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync();
                Assert.Equal(42, await Scalar<int>(connection, "SELECT value FROM kept"));
            }
        }

        Assert.False(Directory.Exists(folder), "the cluster's folder is deleted");
        using var client = new TcpClient();
        Assert.ThrowsAny<SocketException>(() => client.Connect(System.Net.IPAddress.Loopback, port));
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
