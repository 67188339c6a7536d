using Repro.Events;
using Repro.Runs;
using Repro.Security;

namespace Repro;

public sealed partial class Run
{
    /// <summary>Text of a failure fit to record: type and message, secrets redacted.</summary>
    internal static string DescribeFailure(Exception failure) =>
        SecretRedactor.Redact($"{failure.GetType().FullName}: {failure.Message}");

    private void EndQuietly(Exception? failure)
    {
        try
        {
            End(failure is null ? RunStatus.Finished : RunStatus.Failed, failure);
        }
        catch (InvalidOperationException)
        {
            // Already ended by another path (the program, an exit hook): nothing left to do.
        }
    }

    /// <summary>
    /// Ends the run: the last event, the writer stopped (everything written and fsynced), the final
    /// manifest, the lock released. The manifest lock is never held while the writer is joined, so a
    /// writer fault reported during the end cannot deadlock it.
    /// </summary>
    private void End(RunStatus status, Exception? failure)
    {
        if (Interlocked.Exchange(ref _ending, 1) != 0)
        {
            ThrowEnded();
        }

        _telemetry?.Dispose();
        _meter?.Dispose();
        // Values still on their device belong before the last event, as the program logged them before it.
        EndPendingValues();
        // Artifacts logged before the end are part of the run: store and record them before the last event.
        DrainArtifacts();
        FinishUploads(status, _uploadGrace);
        var message = failure is null ? null : DescribeFailure(failure);
        if (!_writerFailed)
        {
            _writer.EnqueueEvent(new Event
            {
                Name = status == RunStatus.Failed ? "failed" : "finished",
                Lifecycle = new Lifecycle
                {
                    Kind = status == RunStatus.Failed ? Lifecycle.Types.Kind.Failed : Lifecycle.Types.Kind.Finished,
                    Message = message ?? string.Empty,
                    StackTrace = SecretRedactor.Redact(failure?.StackTrace),
                },
            });
        }

        _ended = true;
        try
        {
            _writer.Dispose();
        }
        finally
        {
            FinishAlerts();
            try
            {
                var writerFailure = _writer.Failure;
                // A manifest that cannot be written is logged by the file; the log still ends the run.
                _ = _manifest.Update(m => m with
                {
                    Status = writerFailure is null ? status : RunStatus.Failed,
                    EndedAt = DateTimeOffset.UtcNow,
                    LastSequence = _writer.LastSequence,
                    DroppedEvents = (ulong)_writer.Dropped,
                    Best = new SortedDictionary<string, BestValue>(_writer.BestValues.ToDictionary(), StringComparer.Ordinal),
                    Last = LastValues(),
                    Failure = writerFailure is null ? message : WriterFailureText(writerFailure, message),
                });
            }
            finally
            {
                _manifest.ReleaseReserve();
                _lock.Dispose();
                _hooks?.Dispose();
                Interlocked.CompareExchange(ref s_current, null, this);
            }

            // After the final manifest, so the store's row says how the run ended.
            FinishShipping();
        }
    }

    /// <summary>
    /// Called once on the writer thread when the writer stops on an error: the run is marked failed
    /// with the reason (logged by the writer, and here in the manifest), and logging stops costing anything.
    /// </summary>
    private void OnWriterFault(Exception failure)
    {
        _writerFailed = true;
        // On a full disk the manifest's reserve gives this write its space.
        _ = _manifest.Update(m => m with { Status = RunStatus.Failed, Failure = WriterFailureText(failure, null) });
    }

    /// <summary>The last value of every metric, as the producers left them (see <see cref="LatestMetricValues"/>).</summary>
    private SortedDictionary<string, LastValue> LastValues()
    {
        var snapshot = _latest.Snapshot(_metrics);
        var last = new SortedDictionary<string, LastValue>(StringComparer.Ordinal);
        foreach (var (name, value) in snapshot.Values)
        {
            last[name] = new LastValue(value, snapshot.Steps[name]);
        }

        return last;
    }

    private static string WriterFailureText(Exception writerFailure, string? programFailure) =>
        $"Repro's event writer failed, so events after it were not recorded: {DescribeFailure(writerFailure)}"
        + (programFailure is null ? string.Empty : $" (the program then failed: {programFailure})");
}
