using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Cli.Commands;

/// <summary>Follows a run in the local home as it is written: what <c>events --follow</c> and <c>watch</c> share.</summary>
internal static class RunFollower
{
    /// <summary>
    /// Reads the run's log, then reads it again from where it stopped (a checkpoint, not from the start) every
    /// <paramref name="poll"/> until the run has ended; the last read comes after the end was seen, so nothing written
    /// before the end is missed. While the run is live, a record still being written is not damage: it is read again
    /// on the next pass.
    /// </summary>
    /// <param name="context">The command.</param>
    /// <param name="id">The run.</param>
    /// <param name="poll">How long to wait between reads.</param>
    /// <param name="onFresh">Gets the events not seen before, after each read that found any.</param>
    /// <param name="onPoll">Called after each read of a run still going, before the wait.</param>
    /// <returns>The first damage of the last read, or null.</returns>
    public static WalCorruption? Follow(CommandContext context, string id, TimeSpan poll, Action<List<Event>> onFresh, Action? onPoll = null)
    {
        ulong seen = 0;
        ReplayCheckpoint? resumeAt = null;
        while (true)
        {
            var running = context.Store.GetRun(id).Status == RunStatus.Running;
            WalCorruption? corruption = null;
            var stream = context.Store.ReadEventsFrom(id, resumeAt, c => corruption ??= c);
            var fresh = new List<Event>();
            foreach (var evt in stream)
            {
                if (evt.Sequence > seen)
                {
                    fresh.Add(evt);
                    seen = evt.Sequence;
                }
            }

            resumeAt = stream.Checkpoint() ?? resumeAt;
            if (fresh.Count > 0)
            {
                onFresh(fresh);
            }

            if (!running)
            {
                return corruption;
            }

            onPoll?.Invoke();
            Thread.Sleep(poll);
        }
    }

    /// <summary>Says the log is damaged and where reading stopped; the exit code of a damaged log.</summary>
    public static int Damaged(CommandContext context, WalCorruption corruption)
    {
        context.Error.WriteLine($"repro: the event log is damaged; events after this point were not read: {corruption}");
        return ExitCodes.Failure;
    }
}
