using System.Globalization;
using Repro.Artifacts;
using Repro.Runs;
using Repro.Storage.Audit;

namespace Repro.Storage.Maintenance;

/// <summary>
/// <c>repro gc</c>: applies the home's <see cref="RetentionPolicy"/>. Failed and crashed runs past their time go to
/// the trash; runs in the trash past its time are removed for good; objects no run references (in the home or in the
/// trash), older than the grace time, are removed; so are temporary files killed writers left.
/// <para>
/// Crash safety: a run is removed by renaming its trash entry into <c>gc/doomed/</c> (one atomic step) and only then
/// deleting the files, so a run is always wholly in the home, wholly in the trash or on its way out of
/// <c>gc/doomed/</c>, which readers never look in; the next gc finishes whatever a killed one left there before it
/// does anything else. Objects are removed one file at a time. Everything runs under the home's
/// <see cref="MaintenanceLock"/> and is recorded in the audit log.
/// </para>
/// </summary>
public static class GarbageCollector
{
    /// <summary>How old a trash entry without a run (a delete cut short) must be before gc removes it.</summary>
    private static readonly TimeSpan s_strayEntryAge = TimeSpan.FromHours(1);

    /// <summary>The most run ids named by one audit record (records are capped at <see cref="AuditLog.MaxRecordBytes"/>).</summary>
    private const int RunsPerAuditRecord = 200;

    /// <summary>The folder where gc keeps runs it is removing.</summary>
    public static string DoomedDirectory(string home) => Path.Combine(home, "gc", "doomed");

    /// <summary>What gc would do now, without changing anything.</summary>
    /// <exception cref="InvalidDataException">A run's manifest cannot be read: gc cannot tell what it references, so it plans nothing (the message names the run).</exception>
    public static GcPlan Plan(RunStore store, RetentionPolicy policy, DateTimeOffset now) => Plan(store, policy, now, out _);

    /// <summary>The plan, and each run's own policy (the home's with its retention tags applied), which carrying it out needs.</summary>
    private static GcPlan Plan(RunStore store, RetentionPolicy policy, DateTimeOffset now, out Dictionary<string, RetentionPolicy> runPolicies)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policy);
        var items = new List<GcItem>();
        var warnings = new List<string>();
        var notes = new List<string>();
        var live = store.ListRuns((folder, reason) => warnings.Add($"{folder} cannot be read ({reason})"));
        var trashedRuns = RunTrash.List(store.Home, (entry, reason) => warnings.Add($"{entry} cannot be read ({reason})"));

        // A run's own retention.<field> tags override the home's rules for it; a bad one leaves the run alone.
        var policies = runPolicies = new Dictionary<string, RetentionPolicy>(StringComparer.Ordinal);
        foreach (var run in live)
        {
            if (policy.ForRun(run.Tags, out var problem) is { } own)
            {
                policies[run.RunId] = own;
            }
            else
            {
                notes.Add($"run {run.RunId} was left alone: {problem}");
            }
        }

        foreach (var run in live.Where(r => r.Status is RunStatus.Failed or RunStatus.Crashed && policies.ContainsKey(r.RunId)).OrderBy(r => r.RunId, StringComparer.Ordinal))
        {
            if (policies[run.RunId].FailedRunsFor is { } keep && !IsKept(run) && now - (run.EndedAt ?? run.StartedAt) > keep)
            {
                items.Add(new GcItem(GcAction.TrashRun, run.RunId, 0, string.Create(CultureInfo.InvariantCulture, $"{run.Status.ToString().ToLowerInvariant()} {(now - (run.EndedAt ?? run.StartedAt)).TotalDays:0} days ago (failed_runs_days={keep.TotalDays:0.###})")));
            }
        }

        var goingToTrash = items.Select(i => i.Target).ToHashSet(StringComparer.Ordinal);
        var staying = live.Where(r => r.Status != RunStatus.Running && !goingToTrash.Contains(r.RunId) && policies.ContainsKey(r.RunId) && !IsKept(r)).OrderBy(r => r.RunId, StringComparer.Ordinal).ToList();
        foreach (var run in staying)
        {
            var folder = ReproHome.RunDirectory(store.Home, run.RunId);
            var own = policies[run.RunId];
            if (own.DownsampleAfter is { } after && run.Last.Count > 0 && now - (run.EndedAt ?? run.StartedAt) > after && RunDownsampler.Read(folder) is null)
            {
                items.Add(new GcItem(GcAction.DownsampleRun, run.RunId, 0, string.Create(CultureInfo.InvariantCulture,
                    $"ended {(now - (run.EndedAt ?? run.StartedAt)).TotalDays:0} days ago (downsample_after_days={after.TotalDays:0.###}, downsample_bucket={own.DownsampleBucket}, downsample_summaries={own.DownsampleSummaries}); log {FolderSize.Of(ReproHome.WalDirectory(folder))} bytes")));
            }
        }

        var purged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var trashed in trashedRuns.OrderBy(r => r.RunId, StringComparer.Ordinal))
        {
            if (now - trashed.DeletedAt > policy.TrashFor)
            {
                purged.Add(trashed.RunId);
                items.Add(new GcItem(GcAction.PurgeRun, trashed.RunId, FolderSize.Of(RunTrash.EntryDirectory(store.Home, trashed.RunId)),
                    string.Create(CultureInfo.InvariantCulture, $"in the trash {(now - trashed.DeletedAt).TotalDays:0} days (trash_days={policy.TrashFor.TotalDays:0.###})")));
            }
        }

        // Checkpoints beyond a run's last keep_last_checkpoints untagged ones: pruned before the objects are swept.
        var pruning = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var run in staying.Where(r => policies[r.RunId].KeepLastCheckpoints is not null))
        {
            var keepLast = policies[run.RunId].KeepLastCheckpoints!.Value;
            IReadOnlyList<PrunedCheckpoint> already;
            try
            {
                already = PrunedCheckpoints.Read(ReproHome.RunDirectory(store.Home, run.RunId));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                notes.Add($"no checkpoint of run {run.RunId} was pruned: {e.Message}");
                continue;
            }

            foreach (var checkpoint in PrunedCheckpoints.Choose(run, keepLast, already))
            {
                if (!pruning.TryGetValue(run.RunId, out var hashes))
                {
                    pruning[run.RunId] = hashes = new HashSet<string>(StringComparer.Ordinal);
                }

                hashes.Add(checkpoint.Sha256);
                items.Add(new GcItem(GcAction.PruneCheckpoint, run.RunId, 0, string.Create(CultureInfo.InvariantCulture,
                    $"checkpoint {checkpoint.Name} at step {checkpoint.Step} ({checkpoint.Sha256[..12]}) is older than the run's last {keepLast} untagged checkpoint(s) (keep_last_checkpoints={keepLast})"),
                    new PrunedCheckpoint(checkpoint.Name, checkpoint.Sha256, checkpoint.Step, checkpoint.Size, now, string.Create(CultureInfo.InvariantCulture, $"keep_last_checkpoints={keepLast}"))));
            }
        }

        // Every run that stays (in the home or the trash) keeps every object it names, less its pruned checkpoints.
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        var objects = new ContentStore(store.Home);
        foreach (var manifest in live)
        {
            // A damaged record counts as nothing pruned: every object stays, so it is a note, not a reason to stop.
            var pruned = ObjectReferences.Pruned(ReproHome.RunDirectory(store.Home, manifest.RunId), notes.Add);
            pruned.UnionWith(pruning.GetValueOrDefault(manifest.RunId) ?? []);
            referenced.UnionWith(ObjectReferences.Of(manifest, objects, warnings.Add, pruned));
        }

        foreach (var trashed in trashedRuns.Where(t => !purged.Contains(t.RunId)))
        {
            try
            {
                var pruned = ObjectReferences.Pruned(Path.Combine(RunTrash.EntryDirectory(store.Home, trashed.RunId), RunTrash.RunFolderName), notes.Add);
                referenced.UnionWith(ObjectReferences.Of(RunTrash.ReadManifest(store.Home, trashed.RunId), objects, warnings.Add, pruned));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                warnings.Add($"the manifest of {trashed.RunId} in the trash cannot be read ({e.Message})");
            }
        }

        if (warnings.Count > 0)
        {
            // An unreadable run may reference any object: removing none is the only safe choice (a run left alone for
            // a bad override tag is only a note: its references are known).
            warnings.Add("no object was removed, since what the runs above reference is unknown; repair them, or delete them and let gc run again");
        }

        foreach (var hash in warnings.Count > 0 ? [] : objects.List())
        {
            if (referenced.Contains(hash))
            {
                continue;
            }

            var file = new FileInfo(objects.PathOf(hash));
            if (file.Exists && now - file.LastWriteTimeUtc > policy.ObjectGrace)
            {
                items.Add(new GcItem(GcAction.DeleteObject, hash, file.Length, "referenced by no run in the home or the trash"));
            }
        }

        var temporaries = Path.Combine(objects.Root, "tmp");
        if (Directory.Exists(temporaries))
        {
            foreach (var file in new DirectoryInfo(temporaries).GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                if (now - file.LastWriteTimeUtc > policy.ObjectGrace)
                {
                    items.Add(new GcItem(GcAction.DeleteTemporary, file.Name, file.Length, "left by a writer that was killed"));
                }
            }
        }

        var interrupted = Directory.Exists(DoomedDirectory(store.Home))
            ? Directory.GetDirectories(DoomedDirectory(store.Home)).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
        return new GcPlan(policy, items, interrupted, [.. warnings, .. notes.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Finishes what an interrupted gc left, then plans and carries out the policy under the home's maintenance lock,
    /// recording what was done in the audit log.
    /// </summary>
    /// <returns>The plan that was carried out (its <see cref="GcPlan.InterruptedRuns"/> were finished first).</returns>
    public static GcPlan Collect(RunStore store, RetentionPolicy policy, DateTimeOffset now, IProgress<GcProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policy);
        using var maintenance = MaintenanceLock.Acquire(store.Home);
        foreach (var folder in Directory.Exists(ReproHome.RunsDirectory(store.Home)) ? Directory.GetDirectories(ReproHome.RunsDirectory(store.Home)) : [])
        {
            RunDownsampler.Repair(folder); // a downsampling a kill interrupted: rolled back, or its swap finished
        }

        var plan = Plan(store, policy, now, out var policies);
        var done = new List<GcItem>(plan.Items.Count);
        var warnings = new List<string>(plan.Warnings);
        foreach (var runId in plan.InterruptedRuns)
        {
            DeleteFolder(Path.Combine(DoomedDirectory(store.Home), runId));
        }

        RemoveStrayTrashEntries(store.Home, now);
        var objects = new ContentStore(store.Home);
        for (var i = 0; i < plan.Items.Count; i++)
        {
            var item = plan.Items[i];
            progress?.Report(new GcProgress(i, plan.Items.Count, item));
            switch (item.Action)
            {
                case GcAction.TrashRun:
                    RunTrash.MoveToTrash(store, item.Target, "retention: " + item.Why, "gc", now);
                    break;
                case GcAction.DownsampleRun:
                    try
                    {
                        var own = policies[item.Target];
                        var result = RunDownsampler.Downsample(ReproHome.RunDirectory(store.Home, item.Target), own.DownsampleBucket, now, own.DownsampleSummaries);
                        item = item with { Bytes = result is null ? 0 : Math.Max(0, result.BytesBefore - result.BytesAfter) };
                    }
                    catch (Exception e) when (e is IOException or InvalidDataException)
                    {
                        warnings.Add($"run {item.Target} was not downsampled: {e.Message}");
                    }

                    break;
                case GcAction.PurgeRun:
                    Purge(store.Home, item.Target);
                    break;
                case GcAction.PruneCheckpoint:
                    // Recorded before the sweep below removes the object: a missing checkpoint always says why.
                    PrunedCheckpoints.Append(ReproHome.RunDirectory(store.Home, item.Target), [item.Checkpoint!]);
                    break;
                case GcAction.DeleteObject:
                    DeleteIfStillOld(objects.PathOf(item.Target), now - policy.ObjectGrace);
                    break;
                case GcAction.DeleteTemporary:
                    DeleteIfStillOld(Path.Combine(objects.Root, "tmp", item.Target), now - policy.ObjectGrace);
                    break;
            }

            done.Add(item);
        }

        plan = plan with { Items = done, Warnings = warnings };

        progress?.Report(new GcProgress(plan.Items.Count, plan.Items.Count, null));
        AuditPolicyChange(store.Home, policy);
        Audit(store.Home, plan);
        return plan;
    }

    /// <summary>
    /// Records a change of the policy since the last gc (the file is edited by hand, so the change is noticed when it
    /// is first applied): the audit log then says which rules removed what.
    /// </summary>
    private static void AuditPolicyChange(string home, RetentionPolicy policy)
    {
        var lastPath = Path.Combine(home, "gc", "last-policy.txt");
        var previous = File.Exists(lastPath) ? File.ReadAllText(lastPath).Trim() : new RetentionPolicy().ToString();
        var current = policy.ToString();
        if (!string.Equals(previous, current, StringComparison.Ordinal))
        {
            AuditLog.Append(home, "retention change", details: new Dictionary<string, string> { ["from"] = previous, ["to"] = current });
        }

        if (!File.Exists(lastPath) || !string.Equals(previous, current, StringComparison.Ordinal))
        {
            ReproHome.CreateOwnerOnlyDirectory(Path.GetDirectoryName(lastPath)!);
            AtomicFile.WriteAllText(lastPath, current + "\n");
        }
    }

    /// <summary>Whether the run's tags exempt it from removal.</summary>
    private static bool IsKept(RunManifest run) =>
        run.Tags.TryGetValue(RetentionPolicy.KeepTag, out var value) && string.Equals(value, RetentionPolicy.KeepValue, StringComparison.OrdinalIgnoreCase);

    /// <summary>Takes the run's whole trash entry out in one rename, then deletes its files.</summary>
    private static void Purge(string home, string runId)
    {
        var doomed = DoomedDirectory(home);
        ReproHome.CreateOwnerOnlyDirectory(doomed);
        var target = Path.Combine(doomed, runId);
        Directory.Move(RunTrash.EntryDirectory(home, runId), target);
        DirectorySync.Flush(doomed);
        DirectorySync.Flush(RunTrash.TrashDirectory(home));
        DeleteFolder(target);
    }

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
            DirectorySync.Flush(Path.GetDirectoryName(folder)!);
        }
    }

    /// <summary>Deletes a file unless something stored it again since the plan was made (its time moved past the cut-off).</summary>
    private static void DeleteIfStillOld(string path, DateTimeOffset cutoff)
    {
        var file = new FileInfo(path);
        if (file.Exists && file.LastWriteTimeUtc < cutoff.UtcDateTime)
        {
            file.Delete();
        }
    }

    /// <summary>Trash entries whose delete was cut short before the run moved in: only their record, no run.</summary>
    private static void RemoveStrayTrashEntries(string home, DateTimeOffset now)
    {
        var trash = RunTrash.TrashDirectory(home);
        if (!Directory.Exists(trash))
        {
            return;
        }

        foreach (var entry in new DirectoryInfo(trash).GetDirectories())
        {
            if (!Directory.Exists(Path.Combine(entry.FullName, RunTrash.RunFolderName)) && now - entry.LastWriteTimeUtc > s_strayEntryAge)
            {
                entry.Delete(recursive: true);
            }
        }
    }

    private static void Audit(string home, GcPlan plan)
    {
        string Count(GcAction action) => plan.Items.Count(i => i.Action == action).ToString(CultureInfo.InvariantCulture);
        var runs = plan.Items.Where(i => i.Action is GcAction.TrashRun or GcAction.DownsampleRun or GcAction.PurgeRun or GcAction.PruneCheckpoint).Select(i => i.Target).Concat(plan.InterruptedRuns).Distinct(StringComparer.Ordinal).ToList();
        var parts = Math.Max(1, (runs.Count + RunsPerAuditRecord - 1) / RunsPerAuditRecord);
        for (var part = 0; part < parts; part++)
        {
            var details = new Dictionary<string, string>
            {
                ["policy"] = plan.Policy.ToString(),
                ["runs_trashed"] = Count(GcAction.TrashRun),
                ["runs_downsampled"] = Count(GcAction.DownsampleRun),
                ["runs_purged"] = Count(GcAction.PurgeRun),
                ["checkpoints_pruned"] = Count(GcAction.PruneCheckpoint),
                ["objects_deleted"] = Count(GcAction.DeleteObject),
                ["temporaries_deleted"] = Count(GcAction.DeleteTemporary),
                ["bytes_freed"] = plan.Bytes.ToString(CultureInfo.InvariantCulture),
            };
            if (plan.InterruptedRuns.Count > 0)
            {
                details["interrupted_runs_finished"] = plan.InterruptedRuns.Count.ToString(CultureInfo.InvariantCulture);
            }

            if (parts > 1)
            {
                details["part"] = string.Create(CultureInfo.InvariantCulture, $"{part + 1} of {parts}");
            }

            AuditLog.Append(home, "gc", [.. runs.Skip(part * RunsPerAuditRecord).Take(RunsPerAuditRecord)], details: details);
        }
    }
}
