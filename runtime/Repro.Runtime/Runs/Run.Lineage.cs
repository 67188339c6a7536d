using Repro.Artifacts;
using Repro.Datasets;
using Repro.Events;
using Repro.Runs;
using Repro.Security;

namespace Repro;

public sealed partial class Run
{
    /// <summary>Longest artifact, dataset or split name accepted.</summary>
    public const int MaxLineageNameLength = 200;

    private readonly Lock _lineageGate = new();
    private readonly SortedDictionary<string, string> _datasetRoots = new(StringComparer.Ordinal);
    private readonly TagBook _tags = new(); // touched on the artifact thread only
    private ArtifactQueue? _artifacts;
    private ContentStore? _store;

    /// <summary>The content-addressed store of this run's Repro home, where artifacts, listings and splits are kept.</summary>
    public ContentStore Store => _store ??= new ContentStore(HomeDirectory);

    /// <summary>
    /// Logs the file or folder at <paramref name="path"/> as an artifact named <paramref name="name"/>. Returns at
    /// once: a background thread copies it into the content store, hashing it on the way (one read), then records an
    /// <c>artifact</c> event with its SHA-256, size, media type, location and the provenance of this moment (step,
    /// commit and patch, configuration hash, datasets, the latest value of every metric), and moves the tags the
    /// artifact earns. The file must not change until <see cref="PendingArtifact.Completion"/> completes; a failure
    /// completes it with the error and is recorded as a warning, never thrown into training.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, too long or has control characters, or a tag is invalid.</exception>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public PendingArtifact LogArtifact(string name, string path, ArtifactOptions? options = null)
    {
        ValidateLineageName(name, nameof(name));
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new ArtifactOptions();
        ValidateOptions(options);
        var full = Path.GetFullPath(path);
        var isFolder = System.IO.Directory.Exists(full);
        if (!isFolder && !File.Exists(full))
        {
            throw new FileNotFoundException($"Cannot log artifact '{name}': nothing exists at {path}.", path);
        }

        ThrowIfEnded();
        var moment = Capture(options);
        var pending = new PendingArtifact(name, new TaskCompletionSource<ArtifactRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
        var queued = ArtifactThread().TryAdd(() =>
        {
            try
            {
                var (stored, fileCount, objects) = isFolder ? StoreFolder(full) : StoreFile(full);
                var mediaType = options.MediaType ?? (isFolder ? FolderListing.MediaType : MediaTypes.ForFile(full));
                var record = new ArtifactRecord(name, options.Kind, stored.Hash, stored.Size, mediaType, moment.Step, LocationOf(stored.Hash));
                Upload(objects);
                RecordArtifact(record, options, moment, Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)), fileCount);
                pending.Source.TrySetResult(record);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                RecordArtifactFailure(name, exception);
                pending.Source.TrySetException(exception);
            }
        });
        if (!queued)
        {
            ThrowEnded();
        }

        return pending;
    }

    /// <summary>
    /// Logs the rest of <paramref name="content"/> as an artifact: read on the calling thread (the stream is the
    /// caller's), stored and hashed in one pass; the event and tag moves follow as for a file.
    /// </summary>
    /// <exception cref="ArgumentException">The name is invalid.</exception>
    /// <exception cref="IOException">The stream could not be read or the store written.</exception>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public ArtifactRecord LogArtifact(string name, Stream content, ArtifactOptions? options = null)
    {
        ValidateLineageName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(content);
        options ??= new ArtifactOptions();
        ValidateOptions(options);
        ThrowIfEnded();
        var moment = Capture(options);
        var stored = Store.Put(content);
        var record = new ArtifactRecord(name, options.Kind, stored.Hash, stored.Size, options.MediaType ?? MediaTypes.Binary, moment.Step, LocationOf(stored.Hash));
        if (!ArtifactThread().TryAdd(() =>
            {
                Upload([stored.Hash]);
                RecordArtifact(record, options, moment, string.Empty, 0);
            }))
        {
            ThrowEnded();
        }

        return record;
    }

    /// <summary>
    /// Fingerprints the folder (or file) at <paramref name="path"/> (<see cref="DatasetHasher"/>, with the home's
    /// cache of file hashes, so an unchanged dataset costs a walk of its metadata), stores its file listing and
    /// records a <c>dataset</c> event. Artifacts logged afterwards name it in their provenance.
    /// </summary>
    /// <exception cref="DatasetException">A file could not be hashed, or a link loops or escapes the folder.</exception>
    public DatasetHash LogDataset(string name, string path, DatasetOptions? options = null)
    {
        ValidateLineageName(name, nameof(name));
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new DatasetOptions();
        ThrowIfEnded();
        DatasetHash fingerprint;
        using (var cache = new FileHashCache(HomeDirectory))
        {
            fingerprint = DatasetHasher.HashPath(path, new DatasetHashOptions { Cache = cache, Verify = options.Verify });
        }

        LogDataset(name, fingerprint, options with { SourceUri = options.SourceUri ?? Path.GetFullPath(path) });
        return fingerprint;
    }

    /// <summary>Records a dataset fingerprinted elsewhere (a tensor dataset, a fingerprint computed ahead of time).</summary>
    public void LogDataset(string name, DatasetHash fingerprint, DatasetOptions? options = null)
    {
        ValidateLineageName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(fingerprint);
        ContentHash.Validate(fingerprint.Root, nameof(fingerprint));
        options ??= new DatasetOptions();
        ThrowIfEnded();
        var listing = fingerprint.FileList.Count > 0 ? Store.Put(FolderListing.Encode(fingerprint.FileList)).Hash : string.Empty;
        if (listing.Length > 0)
        {
            UploadInBackground(listing);
        }
        var source = SecretRedactor.RedactUrl(options.SourceUri ?? string.Empty);
        var dataset = new DatasetFingerprint
        {
            Name = name,
            Sha256 = fingerprint.Root,
            Algorithm = fingerprint.Algorithm,
            FileCount = (ulong)fingerprint.Files,
            SizeBytes = (ulong)fingerprint.Bytes,
            Root = source,
            ListingSha256 = listing,
            PipelineVersion = SecretRedactor.Redact(options.PipelineVersion ?? string.Empty),
        };
        foreach (var step in options.Preprocessing)
        {
            ArgumentNullException.ThrowIfNull(step);
            var recorded = new DatasetPreprocessing { Name = SecretRedactor.Redact(step.Name), Version = SecretRedactor.Redact(step.Version) };
            foreach (var (key, value) in step.Parameters ?? new Dictionary<string, string>())
            {
                recorded.Parameters[key] = SecretRedactor.RedactVariable(key, value);
            }

            dataset.Preprocessing.Add(recorded);
        }

        lock (_lineageGate)
        {
            _datasetRoots[name] = fingerprint.Root;
            Enqueue("dataset", _latest.LatestStep(), e => e.Dataset = dataset);
            var summary = new DatasetSummary(name, fingerprint.Root, fingerprint.Algorithm, fingerprint.Files, fingerprint.Bytes, source, listing);
            _manifest.Update(m => m with { Lineage = m.Lineage with { Datasets = [.. m.Lineage.Datasets, summary] } }, ThrowIfEnded);
        }
    }

    /// <summary>
    /// Records the exact examples of a split (an evaluation set): the indices, made canonical (ascending), are
    /// stored in the content store as little-endian 64-bit integers and a <c>split</c> event records their count and
    /// SHA-256, so the set can be rebuilt and checked later. Returns the SHA-256.
    /// </summary>
    /// <exception cref="ArgumentException">An index is negative or occurs twice, or the name is invalid.</exception>
    public string LogSplit(string name, IEnumerable<long> indices, string? dataset = null)
    {
        ValidateLineageName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(indices);
        ThrowIfEnded();
        var bytes = SplitIndices.Encode(indices);
        var stored = Store.Put(bytes);
        UploadInBackground(stored.Hash);
        var count = bytes.Length / sizeof(long);
        lock (_lineageGate)
        {
            Enqueue("split", _latest.LatestStep(), e => e.Split = new EvaluationSplit { Name = name, Count = (ulong)count, Sha256 = stored.Hash, Dataset = dataset ?? string.Empty });
            var summary = new SplitSummary(name, count, stored.Hash, dataset ?? string.Empty);
            _manifest.Update(m => m with { Lineage = m.Lineage with { Splits = [.. m.Lineage.Splits, summary] } }, ThrowIfEnded);
        }

        return stored.Hash;
    }

    /// <summary>Waits until every artifact logged so far is stored and recorded (the end of the run does this too).</summary>
    public void WaitForArtifacts()
    {
        ArtifactQueue? queue;
        lock (_lineageGate)
        {
            queue = _artifacts;
        }

        if (queue is null)
        {
            return;
        }

        using var done = new ManualResetEventSlim();
        if (queue.TryAdd(done.Set))
        {
            done.Wait();
        }
    }

    /// <summary>The artifact thread's queue (internal: tests hold it with a job to make races deterministic).</summary>
    internal ArtifactQueue ArtifactThread()
    {
        lock (_lineageGate)
        {
            return _artifacts ??= new ArtifactQueue();
        }
    }

    /// <summary>Stores every queued artifact before the run ends; called by End before the last event.</summary>
    private void DrainArtifacts()
    {
        ArtifactQueue? queue;
        lock (_lineageGate)
        {
            queue = _artifacts;
        }

        queue?.Drain();
        RemoveStaging();
    }

    /// <summary>
    /// Empties the run's <c>staging</c> folder, where integrations such as checkpoints write copies that exist only to
    /// be stored: once every artifact is stored nothing in it is needed, and a cleanup that a writer scheduled after
    /// its artifact completed may not have run yet when the run ends.
    /// </summary>
    private void RemoveStaging()
    {
        var staging = System.IO.Path.Combine(Directory, "staging");
        string[] entries;
        try
        {
            entries = System.IO.Directory.Exists(staging) ? System.IO.Directory.GetFileSystemEntries(staging) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var entry in entries)
        {
            try
            {
                // The writer's own cleanup may be deleting the same entry at this moment: either may win.
                if (System.IO.Directory.Exists(entry))
                {
                    System.IO.Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A leftover copy costs disk space, not correctness: the run ends anyway.
            }
        }
    }

    private (StoredObject Stored, long FileCount, IReadOnlyList<string> Objects) StoreFile(string path)
    {
        var stored = Store.PutFile(path);
        return (stored, 0, [stored.Hash]);
    }

    /// <summary>Stores every file of the folder and its listing; the objects are the files' and, last, the listing's.</summary>
    private (StoredObject Stored, long FileCount, IReadOnlyList<string> Objects) StoreFolder(string folder)
    {
        var files = new List<DatasetFile>();
        var root = DatasetHasher.HashDirectory(folder);
        foreach (var file in root.FileList)
        {
            var stored = Store.PutFile(Path.Combine(folder, file.RelativePath.Replace('/', Path.DirectorySeparatorChar)));
            if (stored.Hash != file.Sha256)
            {
                throw new IOException($"{file.RelativePath} in {folder} changed while the folder was being stored.");
            }

            files.Add(file);
        }

        var listing = Store.Put(FolderListing.Encode(files));
        return (listing with { Size = root.Bytes }, files.Count, [.. files.Select(file => file.Sha256).Distinct(StringComparer.Ordinal), listing.Hash]);
    }

    private ArtifactMoment Capture(ArtifactOptions options)
    {
        var metrics = _latest.Snapshot(_metrics);
        var manifest = Manifest;
        SortedDictionary<string, string> datasets;
        lock (_lineageGate)
        {
            datasets = new SortedDictionary<string, string>(_datasetRoots, StringComparer.Ordinal);
        }

        return new ArtifactMoment(options.Step ?? _latest.LatestStep(), manifest.Build.Commit ?? string.Empty, manifest.Build.Dirty ?? false,
            manifest.Build.PatchSha256 ?? string.Empty, manifest.ConfigHash ?? string.Empty, datasets, metrics);
    }

    private void RecordArtifact(ArtifactRecord record, ArtifactOptions options, ArtifactMoment moment, string sourceName, long fileCount)
    {
        var provenance = new ArtifactProvenance
        {
            Commit = moment.Commit,
            Dirty = moment.Dirty,
            PatchSha256 = moment.Patch,
            ConfigSha256 = moment.Config,
        };
        provenance.Datasets.Add(moment.Datasets);
        provenance.Metrics.Add(moment.Metrics.Values);
        provenance.MetricSteps.Add(moment.Metrics.Steps);
        var artifact = new ArtifactReference
        {
            Name = record.Name,
            Kind = ArtifactKinds.Name(record.Kind),
            Sha256 = record.Sha256,
            SizeBytes = (ulong)record.Size,
            MediaType = record.MediaType,
            Path = record.Location,
            SourceName = SecretRedactor.Redact(sourceName),
            FileCount = (ulong)fileCount,
            Provenance = provenance,
        };
        foreach (var (key, value) in options.Metadata)
        {
            artifact.Metadata[key] = SecretRedactor.RedactVariable(key, value);
        }

        Enqueue("artifact", record.Step, e => e.Artifact = artifact);
        var moves = _tags.Moves(record, options.Tags, moment.Metrics);
        foreach (var (tag, previous, reason) in moves)
        {
            Enqueue("tag_moved", record.Step, e => e.TagMoved = new ArtifactTagMoved { Tag = tag, ArtifactName = record.Name, Sha256 = record.Sha256, PreviousSha256 = previous, Reason = reason });
        }

        var summary = new ArtifactSummary(record.Name, ArtifactKinds.Name(record.Kind), record.Sha256, record.Size, record.MediaType, record.Step, record.Location);
        var tags = new SortedDictionary<string, string>(_tags.Current.ToDictionary(pair => pair.Key, pair => pair.Value.Sha256), StringComparer.Ordinal);
        _manifest.Update(m => m with { Lineage = m.Lineage with { Artifacts = [.. m.Lineage.Artifacts, summary], Tags = tags } });
    }

    private void RecordArtifactFailure(string name, Exception exception)
    {
        var message = $"Artifact '{name}' could not be stored, so it is not part of the run: {DescribeFailure(exception)}";
        Diagnostics.ReproLog.ArtifactFailed(_logger, Id.ToString(), message);
        try
        {
            Enqueue("text", _latest.LatestStep(), e => e.Text = new Text { Level = Text.Types.Level.Warning, Message = SecretRedactor.Redact(message) });
        }
        catch (InvalidOperationException)
        {
            // The run ended meanwhile; the log above still says it.
        }
    }

    private static void ValidateOptions(ArtifactOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.Metadata, nameof(options));
        ArgumentNullException.ThrowIfNull(options.Tags, nameof(options));
        if (!Enum.IsDefined(options.Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown artifact kind.");
        }

        foreach (var tag in options.Tags)
        {
            TagBook.Validate(tag);
        }
    }

    private static void ValidateLineageName(string name, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        if (name.Length == 0 || name.Length > MaxLineageNameLength || name.Trim().Length != name.Length || name.Any(char.IsControl))
        {
            throw new ArgumentException($"'{name}' is not a valid name: use 1 to {MaxLineageNameLength} characters, no control characters, no leading or trailing spaces.", parameter);
        }
    }

    private sealed record ArtifactMoment(long Step, string Commit, bool Dirty, string Patch, string Config, SortedDictionary<string, string> Datasets, MetricSnapshot Metrics);
}
