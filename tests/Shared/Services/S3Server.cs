using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Repro.Tests.Shared.Services;

/// <summary>
/// A real S3-compatible server (s3rver, from the npm registry, pinned in eng/s3rver/package-lock.json) on loopback,
/// with its own data folder and one bucket. It installs itself with <c>npm ci</c> on first use. Without Node.js the
/// test is skipped with the install command, except in CI, where a missing component fails the run.
/// </summary>
internal sealed class S3Server : IDisposable
{
    public const string Bucket = "repro-test";

    // s3rver's fixed credentials; they are set for the whole test process (and its children) so the SDK's ordinary
    // credential chain finds them, as it would a user's.
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private static readonly Lock s_installGate = new();
    private readonly TemporaryDirectory _data = new("repro-s3");
    private readonly string _script;
    private Process? _process;

    static S3Server()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecretKey);
    }

    private S3Server(int port, string script)
    {
        Port = port;
        _script = script;
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri Endpoint { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server on a free port; skips the test when Node.js is missing outside CI.</summary>
    public static S3Server Start()
    {
        var server = new S3Server(FreePort(), EnsureInstalled());
        try
        {
            server.Resume();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>Kills the server (an outage); its data stays for <see cref="Resume"/>.</summary>
    public void Stop()
    {
        if (_process is { } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts the server again on the same port and data, and waits until it answers.</summary>
    public void Resume()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { _script, "-d", _data.Path, "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--configure-bucket", Bucket })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!Answers())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"s3rver did not start on port {Port} (exit: {(_process.HasExited ? _process.ExitCode : "still running")}).");
            }

            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        Stop();
        _data.Dispose();
    }

    private bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Installs the pinned server once (per machine: npm ci into eng/s3rver) and returns its script.</summary>
    private static string EnsureInstalled()
    {
        var folder = Path.Combine(RepoPaths.Root, "eng", "s3rver");
        var script = Path.Combine(folder, "node_modules", "s3rver", "bin", "s3rver.js");
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        lock (s_installGate)
        {
            ProcessResult result;
            try
            {
                ChildProcess.Run("node", ["--version"], folder).EnsureSuccess("node --version");
                if (File.Exists(script))
                {
                    return script;
                }

                // Test assemblies run in parallel: a lock file keeps two npm installs out of one folder.
                using var _ = CrossProcessLock(Path.Combine(folder, ".install.lock"));
                if (File.Exists(script))
                {
                    return script;
                }

                result = ChildProcess.Run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], folder, timeout: TimeSpan.FromMinutes(5));
            }
            catch (System.ComponentModel.Win32Exception) when (!inCi)
            {
                throw new SkipException("Node.js and npm are needed to start the S3-compatible test server: sudo apt-get install nodejs npm");
            }

            if (result.ExitCode != 0 || !File.Exists(script))
            {
                throw new InvalidOperationException($"npm ci in {folder} failed ({result.ExitCode}): {result.All}");
            }

            return script;
        }
    }

    private static FileStream CrossProcessLock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}
