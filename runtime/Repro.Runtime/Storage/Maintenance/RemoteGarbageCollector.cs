using System.Globalization;
using Npgsql;
using Repro.Artifacts;
using Repro.Artifacts.Remote;
using Repro.Runs;
using Repro.Storage.Postgres;

namespace Repro.Storage.Maintenance;

/// <summary>What an S3 artifact store holds, and how much of it runs reference.</summary>
/// <param name="Objects">Objects under the store's prefix.</param>
/// <param name="Bytes">Their size.</param>
/// <param name="ReferencedObjects">Objects some run references (in the home, its trash, or the central store when given).</param>
/// <param name="ReferencedBytes">Their size.</param>
public sealed record RemoteUsage(long Objects, long Bytes, long ReferencedObjects, long ReferencedBytes)
{
    /// <summary>Objects no run references.</summary>
    public long UnreferencedObjects => Objects - ReferencedObjects;

    /// <summary>Their size.</summary>
    public long UnreferencedBytes => Bytes - ReferencedBytes;
}

/// <summary>
/// <c>repro gc --remote</c>: removes the objects of an S3 artifact store that no run references, once older than
/// <c>object_grace_hours</c>. A bucket is shared by every machine that uploads to it, so the references are those of
/// the central store's runs (which index every run shipped to it) together with the local home's runs and trash;
/// a run's checkpoints pruned here count as unreferenced there too. Anything unreadable (a manifest, a folder listing
/// found neither here nor in the bucket) stops every removal, since what it references is unknown.
/// </summary>
public static class RemoteGarbageCollector
{
    /// <summary>What <see cref="Collect"/> would remove now, changing nothing (folder listings may be fetched into the local store to read them).</summary>
    public static GcPlan Plan(RunStore home, S3ObjectStore remote, PostgresStoreAddress central, RetentionPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(central);
        ArgumentNullException.ThrowIfNull(policy);
        var warnings = new List<string>();
        var referenced = References(home, remote, central, warnings);
        var items = new List<GcItem>();
        if (warnings.Count > 0)
        {
            warnings.Add($"no object of {remote.Address} was removed, since what the runs above reference is unknown");
            return new GcPlan(policy, items, [], warnings);
        }

        foreach (var entry in remote.ListAsync().GetAwaiter().GetResult().OrderBy(o => o.Sha256, StringComparer.Ordinal))
        {
            if (!referenced.Contains(entry.Sha256) && now - entry.LastModified > policy.ObjectGrace)
            {
                items.Add(new GcItem(GcAction.DeleteRemoteObject, entry.Sha256, entry.Size, string.Create(CultureInfo.InvariantCulture,
                    $"referenced by no run in the central store, the home or its trash; uploaded {(now - entry.LastModified).TotalHours:0} hours ago")));
            }
        }

        return new GcPlan(policy, items, [], warnings);
    }

    /// <summary>Removes what <see cref="Plan"/> names, one object at a time, and records a <c>gc</c> record naming the bucket in the home's audit log.</summary>
    public static GcPlan Collect(RunStore home, S3ObjectStore remote, PostgresStoreAddress central, RetentionPolicy policy, DateTimeOffset now, IProgress<GcProgress>? progress = null)
    {
        var plan = Plan(home, remote, central, policy, now);
        for (var i = 0; i < plan.Items.Count; i++)
        {
            progress?.Report(new GcProgress(i, plan.Items.Count, plan.Items[i]));
            remote.DeleteAsync(plan.Items[i].Target).GetAwaiter().GetResult();
        }

        progress?.Report(new GcProgress(plan.Items.Count, plan.Items.Count, null));
        Audit.AuditLog.Append(home.Home, "gc", details: new Dictionary<string, string>
        {
            ["target"] = remote.Address.ToString(),
            ["references_from"] = central.Display,
            ["policy"] = policy.ToString(),
            ["remote_objects_deleted"] = plan.Items.Count.ToString(CultureInfo.InvariantCulture),
            ["bytes_freed"] = plan.Bytes.ToString(CultureInfo.InvariantCulture),
        });
        return plan;
    }

    /// <summary>What the bucket holds under the store's prefix, and how much of it the home (and the central store, when given) references.</summary>
    public static RemoteUsage Usage(RunStore home, S3ObjectStore remote, PostgresStoreAddress? central)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(remote);
        var referenced = References(home, remote, central, []);
        var objects = remote.ListAsync().GetAwaiter().GetResult();
        var used = objects.Where(o => referenced.Contains(o.Sha256)).ToList();
        return new RemoteUsage(objects.Count, objects.Sum(o => o.Size), used.Count, used.Sum(o => o.Size));
    }

    private static HashSet<string> References(RunStore home, S3ObjectStore remote, PostgresStoreAddress? central, List<string> warnings)
    {
        var objects = new ContentStore(home.Home);
        var runs = new List<(RunManifest Manifest, HashSet<string> Pruned)>();
        var prunedById = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (manifest, folder, _) in ObjectReferences.HomeRuns(home, (where, reason) => warnings.Add($"{where} cannot be read ({reason})")))
        {
            var pruned = ObjectReferences.Pruned(folder, _ => { });
            prunedById[manifest.RunId] = pruned;
            runs.Add((manifest, pruned));
        }

        if (central is not null)
        {
            using var connection = new NpgsqlConnection(central.ConnectionString);
            connection.Open();
            PostgresSchema.Check(connection, central.Display);
            using var command = new NpgsqlCommand("SELECT run_id, manifest_json FROM repro.runs ORDER BY run_id", connection);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                try
                {
                    var manifest = RunManifestJson.Deserialize(reader.GetString(1), $"run {reader.GetString(0)} in {central.Display}");
                    runs.Add((manifest, prunedById.GetValueOrDefault(manifest.RunId) ?? []));
                }
                catch (InvalidDataException e)
                {
                    warnings.Add(e.Message);
                }
            }
        }

        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (manifest, pruned) in runs)
        {
            // A folder listing only the bucket holds is fetched, so the files it names are known.
            foreach (var folder in manifest.Lineage.Artifacts.Where(a => a.MediaType == FolderListing.MediaType && !objects.Contains(a.Sha256) && !pruned.Contains(a.Sha256)))
            {
                try
                {
                    remote.DownloadIntoAsync(folder.Sha256, objects).GetAwaiter().GetResult();
                }
                catch (Exception e) when (e is ObjectNotFoundException or CorruptObjectException or IOException)
                {
                    warnings.Add($"the listing of folder artifact {folder.Name} of run {manifest.RunId} is neither here nor readable in {remote.Address} ({e.Message})");
                }
            }

            referenced.UnionWith(ObjectReferences.Of(manifest, objects, warnings.Add, pruned));
        }

        return referenced;
    }
}
