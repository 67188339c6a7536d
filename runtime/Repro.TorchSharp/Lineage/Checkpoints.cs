using Repro.Artifacts;
using Repro.Storage;
using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Lineage;

/// <summary>
/// TorchSharp checkpoints through Repro's content store: saved with the provenance of the moment (step, commit,
/// configuration, datasets, latest metrics), tagged <c>last</c> and <c>best/&lt;metric&gt;</c> automatically, and loaded
/// back by run and tag with the hash verified before TorchSharp reads a byte.
/// </summary>
public static class Checkpoints
{
    /// <summary>File name of the module's state inside a checkpoint that also holds optimizer state.</summary>
    public const string ModuleFileName = "module.dat";

    /// <summary>File name of the optimizer's state inside such a checkpoint.</summary>
    public const string OptimizerFileName = "optimizer.dat";

    /// <summary>
    /// Saves <paramref name="module"/> (and <paramref name="optimizer"/>'s state, when given) as a checkpoint artifact
    /// named <paramref name="name"/>. The state is written now, on the calling thread (it must be the state of this
    /// step); hashing and storing happen in the background (<see cref="PendingArtifact.Completion"/>).
    /// </summary>
    public static PendingArtifact SaveCheckpoint(this Run run, nn.Module module, string name = "model", long? step = null, optim.Optimizer? optimizer = null, IReadOnlyList<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(module);
        var staging = Path.Combine(run.Directory, "staging", Guid.NewGuid().ToString("N"));
        ReproHome.CreateOwnerOnlyDirectory(staging);
        string source;
        if (optimizer is null)
        {
            source = Path.Combine(staging, ModuleFileName);
            module.save(source);
        }
        else
        {
            source = staging;
            module.save(Path.Combine(staging, ModuleFileName));
            SaveOptimizer(optimizer, Path.Combine(staging, OptimizerFileName));
        }

        var pending = run.LogArtifact(name, source, new ArtifactOptions
        {
            Kind = ArtifactKind.Checkpoint,
            Step = step,
            MediaType = optimizer is null ? "application/x-torchsharp" : FolderListing.MediaType,
            Tags = tags ?? [],
        });
        // The staged files are only needed until they are in the store.
        pending.Completion.ContinueWith(_ => DeleteQuietly(staging), TaskScheduler.Default);
        return pending;
    }

    /// <summary>
    /// Loads into <paramref name="module"/> (and <paramref name="optimizer"/>) the checkpoint that
    /// <paramref name="nameOrTag"/> (<c>last</c>, <c>best/loss</c>, a name) names in run <paramref name="runIdOrPrefix"/>
    /// (an id, a unique prefix or <c>latest</c>) of the Repro home <paramref name="home"/> (default: the usual home).
    /// Every object is rehashed first; a damaged one is never read by TorchSharp.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">The run has no such tag or name.</exception>
    /// <exception cref="CorruptObjectException">The stored checkpoint does not match its hash.</exception>
    /// <exception cref="InvalidOperationException">An optimizer was given but the checkpoint holds no optimizer state.</exception>
    public static ArtifactRecord LoadCheckpoint(this nn.Module module, string runIdOrPrefix, string nameOrTag = "last", string? home = null, optim.Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var runs = new RunStore(ReproHome.Resolve(home));
        var manifest = runs.GetRun(runs.ResolveRunId(runIdOrPrefix));
        var artifact = RunArtifacts.Find(manifest, nameOrTag);
        var store = new ContentStore(runs.Home);
        var (moduleHash, optimizerHash) = (artifact.Sha256, (string?)null);
        if (artifact.MediaType == FolderListing.MediaType)
        {
            var files = FolderListing.Decode(store.ReadAllBytes(artifact.Sha256)).ToDictionary(file => file.RelativePath, StringComparer.Ordinal);
            if (!files.TryGetValue(ModuleFileName, out var moduleFile))
            {
                throw new ObjectNotFoundException($"Artifact '{artifact.Name}' ({artifact.Sha256}) of run {manifest.RunId} is a folder without {ModuleFileName}: not a checkpoint.");
            }

            moduleHash = moduleFile.Sha256;
            optimizerHash = files.TryGetValue(OptimizerFileName, out var optimizerFile) ? optimizerFile.Sha256 : null;
        }

        // Refused before anything is loaded, so a module is never left half restored.
        if (optimizer is not null && optimizerHash is null)
        {
            throw new InvalidOperationException($"Checkpoint '{artifact.Name}' of run {manifest.RunId} holds no optimizer state.");
        }

        module.load(store.VerifiedPath(moduleHash));
        if (optimizer is not null)
        {
            LoadOptimizer(optimizer, store.VerifiedPath(optimizerHash!));
        }

        return new ArtifactRecord(artifact.Name, ArtifactKind.Checkpoint, artifact.Sha256, artifact.Size, artifact.MediaType, artifact.Step, artifact.Location);
    }

    private static void SaveOptimizer(optim.Optimizer optimizer, string path)
    {
        if (optimizer is not global::TorchSharp.Modules.OptimizerHelper helper)
        {
            throw new ArgumentException($"Optimizer {optimizer.GetType().Name} cannot save its state.", nameof(optimizer));
        }

        helper.save_state_dict(path);
    }

    private static void LoadOptimizer(optim.Optimizer optimizer, string path)
    {
        if (optimizer is not global::TorchSharp.Modules.OptimizerHelper helper)
        {
            throw new ArgumentException($"Optimizer {optimizer.GetType().Name} cannot load state.", nameof(optimizer));
        }

        helper.load_state_dict(path);
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
