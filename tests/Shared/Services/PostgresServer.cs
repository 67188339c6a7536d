using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Repro.Tests.Shared.Services;

/// <summary>
/// A throwaway PostgreSQL cluster on loopback: <c>initdb</c> into a temporary folder, a free port, its socket in
/// that folder, stopped and deleted on dispose. It uses the server binaries of the Debian <c>postgresql</c> package
/// (the newest <c>/usr/lib/postgresql/*/bin</c>, or <c>REPRO_TEST_PG_BIN</c>). PostgreSQL refuses to run as root, so
/// under root the cluster belongs to, and runs as, the <c>postgres</c> user the package creates. Without the server
/// the test is skipped with the install command, except in CI, where a missing component fails the run.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    public const string InstallCommand = "sudo apt-get install postgresql";

    // The role initdb creates; trust authentication on loopback only, so tests need no password.
    public const string UserName = "repro";

    private readonly string _binaries;
    private readonly string _folder;
    private readonly string _dataFolder;
    private readonly bool _runAsPostgres;

    private PostgresServer(string binaries, string folder, int port, bool runAsPostgres)
    {
        _binaries = binaries;
        _folder = folder;
        _dataFolder = Path.Combine(folder, "data");
        _runAsPostgres = runAsPostgres;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The cluster's own folder (data, socket, log): gone after <see cref="Dispose"/>.</summary>
    public string Folder => _folder;

    /// <summary>An Npgsql connection string for the <c>postgres</c> database as <see cref="UserName"/>.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={UserName};Database=postgres;Pooling=false";

    /// <summary>The same server as a <c>postgres://</c> address, the form users give Repro.</summary>
    public string Url => $"postgres://{UserName}@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/postgres";

    /// <summary>Creates and starts a cluster; skips the test when the server binaries are missing outside CI.</summary>
    public static PostgresServer Start()
    {
        var binaries = FindBinaries();
        var runAsPostgres = Environment.IsPrivilegedProcess;
        var folder = Directory.CreateTempSubdirectory("repro-pg-").FullName;
        var server = new PostgresServer(binaries, folder, FreePort(), runAsPostgres);
        try
        {
            if (runAsPostgres)
            {
                ChildProcess.Run("chown", ["postgres:postgres", folder], folder).EnsureSuccess("chown postgres " + folder);
            }

            server.RunServerTool("initdb", ["-D", server._dataFolder, "-U", UserName, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"], "initdb");
            server.Resume();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>Stops the server at once, as a crash or an outage would (immediate shutdown); its data stays for <see cref="Resume"/>.</summary>
    public void Stop()
    {
        if (File.Exists(Path.Combine(_dataFolder, "postmaster.pid")))
        {
            RunServerTool("pg_ctl", ["-D", _dataFolder, "-m", "immediate", "-w", "stop"], "pg_ctl stop");
        }
    }

    /// <summary>Starts the server on its port and data, and waits until it accepts connections.</summary>
    public void Resume()
    {
        var options = $"-c listen_addresses=127.0.0.1 -p {Port.ToString(CultureInfo.InvariantCulture)} -c unix_socket_directories='{_folder}'";
        RunServerTool("pg_ctl", ["-D", _dataFolder, "-o", options, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "start"], "pg_ctl start");
    }

    public void Dispose()
    {
        try
        {
            Stop();
        }
        finally
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // The system cleans the temp folder later; a failed delete must not hide the test's own result.
            }
        }
    }

    private void RunServerTool(string tool, IReadOnlyList<string> arguments, string what)
    {
        var path = Path.Combine(_binaries, tool);
        var result = _runAsPostgres
            ? ChildProcess.Run("runuser", ["-u", "postgres", "--", path, .. arguments], _folder, timeout: TimeSpan.FromMinutes(2))
            : ChildProcess.Run(path, arguments, _folder, timeout: TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0)
        {
            var log = Path.Combine(_folder, "server.log");
            throw new InvalidOperationException($"{what} failed ({result.ExitCode}): {result.All}{(File.Exists(log) ? "\nserver log:\n" + File.ReadAllText(log) : "")}");
        }
    }

    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("REPRO_TEST_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        if (installed is not null)
        {
            return installed;
        }

        var message = "PostgreSQL's server binaries (initdb, pg_ctl) are needed for the central-store tests: " + InstallCommand;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(message);
        }

        throw new SkipException(message);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
