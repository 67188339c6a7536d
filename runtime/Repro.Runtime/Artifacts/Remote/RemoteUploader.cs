using Amazon.Runtime;

namespace Repro.Artifacts.Remote;

/// <summary>
/// Uploads objects of the local content store to a remote store in the background, one at a time, in the order
/// they were queued. Each object is journaled before it is tried and verified locally before it is sent (a damaged
/// local object is never spread); a failure is retried with exponential backoff for as long as the uploader lives,
/// and what is left when it stops stays in the journal for the next process. Nothing here ever throws into the
/// caller's thread.
/// </summary>
public sealed class RemoteUploader : IDisposable
{
    private readonly S3ObjectStore _remote;
    private readonly ContentStore _local;
    private readonly UploadJournal _journal;
    private readonly S3StoreSettings _settings;
    private readonly Action<string> _warn;
    private readonly object _gate = new(); // a monitor: WaitIdle waits on it
    private readonly Queue<string> _queue = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private string? _lastError;

    /// <summary>Starts the uploader and queues every upload the journal still owes this store.</summary>
    /// <param name="remote">The bucket.</param>
    /// <param name="local">The content store the objects are read from.</param>
    /// <param name="settings">Retry delays.</param>
    /// <param name="warn">Told, in words fit for a log (no credentials), when an upload fails or an object cannot be sent.</param>
    public RemoteUploader(S3ObjectStore remote, ContentStore local, S3StoreSettings settings, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(warn);
        _remote = remote;
        _local = local;
        _settings = settings;
        _warn = warn;
        _journal = new UploadJournal(Path.GetDirectoryName(local.Root)!, remote.Address);
        foreach (var hash in _journal.Pending())
        {
            Queue(hash);
        }

        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Uploads not finished yet (queued or being sent).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queued.Count;
            }
        }
    }

    /// <summary>The last failure, in words, or null when the last try succeeded.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>The bucket it uploads to (internal: tests read its counters).</summary>
    internal S3ObjectStore Remote => _remote;

    /// <summary>Where the object named <paramref name="hash"/> will lie once uploaded.</summary>
    public string LocationOf(string hash) => _remote.Address.LocationOf(hash);

    /// <summary>Journals the object named <paramref name="hash"/> (already in the local store) and queues its upload.</summary>
    public void Enqueue(string hash)
    {
        _journal.Add(hash);
        Queue(hash);
    }

    /// <summary>Waits until nothing is pending or <paramref name="timeout"/> has passed; true when nothing is pending.</summary>
    public bool WaitIdle(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (_queued.Count > 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _loop.IsCompleted)
                {
                    return false;
                }

                Monitor.Wait(_gate, left);
            }

            return true;
        }
    }

    /// <summary>Stops the uploader; an upload in flight is cancelled and stays in the journal.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The loop reports its own failures; none of them matter once it is stopped.
        }

        _stopping.Dispose();
        _signal.Dispose();
    }

    private void Queue(string hash)
    {
        lock (_gate)
        {
            if (_queued.Add(hash))
            {
                _queue.Enqueue(hash);
                _signal.Release();
            }
        }
    }

    private async Task LoopAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (true)
            {
                await _signal.WaitAsync(token).ConfigureAwait(false);
                string hash;
                lock (_gate)
                {
                    hash = _queue.Peek();
                }

                await UploadWithRetriesAsync(hash, token).ConfigureAwait(false);
                lock (_gate)
                {
                    _queue.Dequeue();
                    _queued.Remove(hash);
                    Monitor.PulseAll(_gate);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping: whatever is left stays journaled.
        }
        finally
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate); // wake WaitIdle: nothing more will finish
            }
        }
    }

    private async Task UploadWithRetriesAsync(string hash, CancellationToken token)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Never spread a damaged object: rehash the local copy before it leaves the machine.
                var path = _local.VerifiedPath(hash, token);
                await _remote.UploadAsync(hash, path, token).ConfigureAwait(false);
                _journal.Remove(hash);
                Volatile.Write(ref _lastError, null);
                return;
            }
            catch (Exception gone) when (gone is ObjectNotFoundException or CorruptObjectException)
            {
                _warn($"{_remote.Address.LocationOf(hash)} cannot be uploaded and was dropped from the queue: {gone.Message}");
                _journal.Remove(hash);
                return;
            }
            catch (Exception failure) when (IsRetryable(failure, token))
            {
                var message = $"uploading {hash[..12]}… to {_remote.Address} failed (try {attempt + 1}): {Describe(failure)}";
                Volatile.Write(ref _lastError, message);
                if (attempt == 0 || attempt % 10 == 9)
                {
                    _warn(message + "; retrying with backoff, nothing is lost (the object stays in the local store and the upload journal).");
                }

                await Task.Delay(Backoff(attempt), token).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var doubled = _settings.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        return TimeSpan.FromMilliseconds(Math.Min(doubled, _settings.MaxRetryDelay.TotalMilliseconds));
    }

    private static bool IsRetryable(Exception failure, CancellationToken token) =>
        !token.IsCancellationRequested
        && failure is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TimeoutException or UnauthorizedAccessException
            or OperationCanceledException; // a request timeout surfaces as a cancellation of its own

    // Service messages never hold credentials (the SDK signs requests, it does not echo keys); redacted anyway.
    private static string Describe(Exception failure) =>
        Security.SecretRedactor.Redact($"{failure.GetType().Name}: {failure.Message}");
}
