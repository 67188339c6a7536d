using System.Collections.Concurrent;

namespace Repro.Artifacts;

/// <summary>
/// The one background thread that stores a run's artifacts, in the order they were logged, so the training thread
/// never waits for hashing or copying. Jobs never throw out of the thread: each reports its own failure.
/// </summary>
internal sealed class ArtifactQueue : IDisposable
{
    private readonly BlockingCollection<Action> _jobs = new(new ConcurrentQueue<Action>());
    private readonly Thread _thread;

    public ArtifactQueue()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "repro-artifacts" };
        _thread.Start();
    }

    /// <summary>Queues <paramref name="job"/>; false once the queue has been drained for the end of the run.</summary>
    public bool TryAdd(Action job)
    {
        try
        {
            return _jobs.TryAdd(job);
        }
        catch (InvalidOperationException)
        {
            return false; // adding completed: the run is ending
        }
    }

    /// <summary>Runs every queued job to its end, then stops the thread.</summary>
    public void Drain()
    {
        _jobs.CompleteAdding();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    public void Dispose()
    {
        Drain();
        _jobs.Dispose();
    }

    private void Run()
    {
        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            job();
        }
    }
}
