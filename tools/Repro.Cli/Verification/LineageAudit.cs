using Repro.Artifacts;
using Repro.Cli.Commands;
using Repro.Datasets;
using Repro.Runs;
using Repro.Storage;

namespace Repro.Cli.Verification;

/// <summary>
/// Checks what a run read and wrote: every object it references rehashes to its name, and every dataset's recorded
/// root is the Merkle root of its stored listing, with the recorded file count and bytes.
/// </summary>
internal static class LineageAudit
{
    public static IEnumerable<AuditCheck> Audit(RunManifest manifest, ContentStore store)
    {
        var any = false;
        var intact = new Dictionary<string, int>(StringComparer.Ordinal) { ["artifacts"] = 0, ["data"] = 0 };
        foreach (var (what, hash) in ArtifactsCommand.Referenced(manifest, store))
        {
            any = true;
            var area = what.StartsWith("dataset", StringComparison.Ordinal) || what.StartsWith("split", StringComparison.Ordinal) ? "data" : "artifacts";
            var status = ArtifactsCommand.Check(store, hash);
            if (status == "ok")
            {
                intact[area]++;
            }
            else
            {
                // Damage is listed object by object; intact objects are counted, one line per area.
                yield return new AuditCheck(area, what, CheckOutcome.Failed, $"{status}: {hash}");
            }
        }

        foreach (var (area, count) in intact.Where(entry => entry.Value > 0))
        {
            yield return new AuditCheck(area, "stored objects", CheckOutcome.Passed, $"{count} object(s) rehash to their SHA-256 names");
        }

        foreach (var dataset in manifest.Lineage.Datasets.Where(d => d.ListingSha256.Length > 0 && ArtifactsCommand.Check(store, d.ListingSha256) == "ok"))
        {
            any = true;
            var files = FolderListing.Decode(store.ReadAllBytes(dataset.ListingSha256));
            var root = MerkleTree.Root(files);
            var bytes = files.Sum(f => f.Size);
            var holds = root == dataset.Sha256 && files.Count == dataset.Files && bytes == dataset.Bytes;
            yield return new AuditCheck("data", $"dataset {dataset.Name} root", holds ? CheckOutcome.Passed : CheckOutcome.Failed,
                holds ? $"{root} over {files.Count} files recomputed from the listing"
                    : $"recorded {dataset.Sha256} ({dataset.Files} files, {dataset.Bytes} bytes); the listing gives {root} ({files.Count} files, {bytes} bytes)");
        }

        if (!any)
        {
            yield return new AuditCheck("artifacts", "stored objects", CheckOutcome.Skipped, "the run references no stored object");
        }
    }
}
