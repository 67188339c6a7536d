namespace Repro;

/// <summary>
/// Values a program has logged whose numbers are not known yet — a GPU tensor still being computed — kept by
/// an integration such as Repro.TorchSharp until they can be read without making the training thread wait.
/// The run asks every source it was given (<see cref="Run.AddPendingValues"/>) to resolve before a flush
/// and before it ends, so that a flushed or ended run holds every value logged before.
/// </summary>
public interface IPendingMetricValues
{
    /// <summary>
    /// Logs every value given to this source before the call, waiting at most <paramref name="timeout"/>;
    /// returns whether all of them were logged. Called on the thread that flushes or ends the run.
    /// </summary>
    bool ResolvePending(TimeSpan timeout);

    /// <summary>
    /// Stops the source at the run's end: values still unresolved are given up. Returns how many were given up,
    /// so that the run can say so.
    /// </summary>
    long Abandon();
}
