using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using Repro.Diagnostics;

namespace Repro.Storage.Postgres;

/// <summary>
/// Ships a live run to the central store from a background thread: a pass every interval, each sending what the WAL
/// holds past the store's cursor. The training thread never waits on it: the WAL is the buffer, so an outage or a
/// slow server only delays shipping (retried with back-off up to 30 s, logged once per outage), and a later process
/// or <c>repro push</c> finishes what this one could not.
/// </summary>
internal sealed class LiveShipping : IDisposable
{
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);
    private readonly PostgresShipper _shipper;
    private readonly string _runId;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private readonly object _passLock = new();
    private string? _problem;
    private ulong _cursor;

    public LiveShipping(PostgresStoreAddress address, RunStore home, string runId, TimeSpan interval, ILogger logger)
    {
        _shipper = new PostgresShipper(address, home);
        _runId = runId;
        _interval = interval;
        _logger = logger;
        _thread = new Thread(Loop) { IsBackground = true, Name = "repro-store-shipper" };
        _thread.Start();
    }

    /// <summary>The last sequence number the store is known to hold.</summary>
    public ulong Cursor => Volatile.Read(ref _cursor);

    /// <summary>The reason the last pass failed, or null when it succeeded.</summary>
    public string? Problem => Volatile.Read(ref _problem);

    /// <summary>
    /// Stops the background passes and makes final ones until everything is shipped or <paramref name="grace"/> is
    /// spent; true when the store holds the whole run.
    /// </summary>
    public bool Finish(TimeSpan grace)
    {
        _stop.Set();
        _thread.Join();
        var deadline = DateTime.UtcNow + grace;
        var backOff = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            if (Pass())
            {
                return true;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            Thread.Sleep(backOff < left ? backOff : left);
            backOff = TimeSpan.FromTicks(Math.Min(backOff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _shipper.Dispose();
        _stop.Dispose();
    }

    private void Loop()
    {
        var wait = _interval;
        while (!_stop.Wait(wait))
        {
            wait = Pass() ? _interval : TimeSpan.FromTicks(Math.Min(Math.Max(wait.Ticks * 2, _interval.Ticks), MaxBackOff.Ticks));
        }
    }

    /// <summary>One shipping pass; never throws (the training process must not notice the store).</summary>
    private bool Pass()
    {
        lock (_passLock)
        {
            try
            {
                var result = _shipper.Ship(_runId);
                Volatile.Write(ref _cursor, result.Cursor);
                if (Interlocked.Exchange(ref _problem, null) is not null)
                {
                    ReproLog.ShippingResumed(_logger, _runId, result.Cursor);
                }

                return true;
            }
            catch (Exception e) when (e is NpgsqlException or PostgresStoreException or ShipperBusyException or SocketException or TimeoutException
                or IOException or InvalidOperationException or UnauthorizedAccessException or InvalidDataException or RunNotFoundException)
            {
                // The server may have restarted: the next pass opens a fresh connection (and takes the run's lock again).
                _shipper.Dispose();
                var problem = Security.SecretRedactor.Redact(e.Message);
                if (Interlocked.Exchange(ref _problem, problem) is null)
                {
                    ReproLog.ShippingDelayed(_logger, _runId, problem);
                }

                return false;
            }
        }
    }
}
