namespace Repro.Storage.Maintenance;

/// <summary>What one step of <c>repro gc</c> does.</summary>
public enum GcAction
{
    /// <summary>Move a failed or crashed run past its retention time to the trash.</summary>
    TrashRun,

    /// <summary>Replace the raw scalars of a run past its time by downsampled buckets.</summary>
    DownsampleRun,

    /// <summary>Remove for good a run that has been in the trash past its time.</summary>
    PurgeRun,

    /// <summary>Prune an untagged checkpoint beyond a run's last <c>keep_last_checkpoints</c>: recorded in the run's <c>pruned.json</c>, its object then removed with the unreferenced ones.</summary>
    PruneCheckpoint,

    /// <summary>Remove an object of the content store that no run (in the home or in the trash) references.</summary>
    DeleteObject,

    /// <summary>Remove a temporary file a killed writer left in the content store.</summary>
    DeleteTemporary,

    /// <summary>Delete a failed or crashed run past its retention time from the central PostgreSQL store (all its rows, in one transaction).</summary>
    DeleteStoreRun,

    /// <summary>Drop a past month's partitions of the central store's events and scalars, once no row is left in them.</summary>
    DropStorePartition,

    /// <summary>Delete an object of the S3 artifact store that no run references.</summary>
    DeleteRemoteObject,
}

/// <summary>One step of a gc plan.</summary>
/// <param name="Action">What is done.</param>
/// <param name="Target">The run id, object hash or temporary file.</param>
/// <param name="Bytes">What it frees (0 for <see cref="GcAction.TrashRun"/>, which frees nothing yet; for <see cref="GcAction.DownsampleRun"/>, known once done).</param>
/// <param name="Why">The rule that chose it, in words.</param>
/// <param name="Checkpoint">For <see cref="GcAction.PruneCheckpoint"/>: the record gc leaves of the checkpoint it prunes from run <paramref name="Target"/>.</param>
public sealed record GcItem(GcAction Action, string Target, long Bytes, string Why, PrunedCheckpoint? Checkpoint = null);

/// <summary>What <c>repro gc</c> would do, or did.</summary>
/// <param name="Policy">The policy applied.</param>
/// <param name="Items">The steps, in the order they run: trash, downsample, purge, prune checkpoints, objects, temporaries.</param>
/// <param name="InterruptedRuns">Runs an interrupted gc had already taken out of the trash, still being removed (finished first).</param>
/// <param name="Warnings">What gc left alone and why (an unreadable run stops object removal, since its references are unknown).</param>
public sealed record GcPlan(RetentionPolicy Policy, IReadOnlyList<GcItem> Items, IReadOnlyList<string> InterruptedRuns, IReadOnlyList<string> Warnings)
{
    /// <summary>The bytes the plan frees.</summary>
    public long Bytes => Items.Sum(i => i.Bytes);
}

/// <summary>How far a gc has gone, for progress bars.</summary>
/// <param name="Done">Steps done.</param>
/// <param name="Total">Steps in all.</param>
/// <param name="Current">The step being done.</param>
public readonly record struct GcProgress(int Done, int Total, GcItem? Current);
