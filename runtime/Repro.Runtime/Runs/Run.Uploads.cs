using Repro.Artifacts.Remote;
using Repro.Events;
using Repro.Runs;
using Repro.Security;

namespace Repro;

public sealed partial class Run
{
    private RemoteUploader? _uploader;

    /// <summary>The uploader to the remote artifact store, or null when the run has none.</summary>
    internal RemoteUploader? Uploader => _uploader;

    /// <summary>Where an object this run stores will lie for good: the remote store's location when there is one.</summary>
    private string LocationOf(string hash) => _uploader?.LocationOf(hash) ?? "cas:sha256/" + hash;

    /// <summary>
    /// Connects the remote store named by the options or <c>REPRO_ARTIFACT_STORE</c> and resumes the uploads earlier
    /// processes left in its journal. No request is made here: an unreachable store only delays uploads.
    /// </summary>
    private void StartUploads(RunOptions options)
    {
        var address = options.ResolveArtifactStore();
        if (address is null)
        {
            return;
        }

        var settings = options.ArtifactStoreSettings ?? S3StoreSettings.FromEnvironment();
        var remote = new S3ObjectStore(address, settings);
        _uploader = new RemoteUploader(remote, Store, settings, problem => Diagnostics.ReproLog.ArtifactUploadDelayed(_logger, Id.ToString(), problem));
    }

    /// <summary>Queues the upload of stored objects; a journal that cannot be written costs the upload, never the artifact.</summary>
    private void Upload(IEnumerable<string> hashes)
    {
        if (_uploader is null)
        {
            return;
        }

        foreach (var hash in hashes)
        {
            try
            {
                _uploader.Enqueue(hash);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                RecordWarning($"{hash} is stored locally but could not be queued for upload to {_uploader.LocationOf(hash)}: "
                    + $"{DescribeFailure(exception)}. Run `repro artifacts push {Id}` once the disk is writable.");
            }
        }
    }

    /// <summary>Queues the upload of one stored object on the artifact thread (journaling costs an fsync: not on the caller's thread).</summary>
    private void UploadInBackground(string hash)
    {
        if (_uploader is not null)
        {
            ArtifactThread().TryAdd(() => Upload([hash]));
        }
    }

    /// <summary>
    /// At the end of a finished run, gives the uploads <see cref="RunOptions.ArtifactUploadGrace"/> to complete, then
    /// stops the uploader; what is left is recorded as a warning and stays journaled. A failed run does not wait.
    /// </summary>
    private void FinishUploads(RunStatus status, TimeSpan grace)
    {
        if (_uploader is not { } uploader)
        {
            return;
        }

        var done = status == RunStatus.Finished && uploader.WaitIdle(grace);
        if (!done && uploader.Pending > 0)
        {
            RecordWarning($"{uploader.Pending} object(s) not yet uploaded to the remote artifact store ({uploader.LastError ?? "still sending"}); "
                + "they are kept in the local store and the upload journal, and the next run using the store or `repro artifacts push` sends them.");
        }

        uploader.Dispose();
    }

    private void RecordWarning(string message)
    {
        Diagnostics.ReproLog.ArtifactUploadDelayed(_logger, Id.ToString(), message);
        try
        {
            Enqueue("text", _latest.LatestStep(), e => e.Text = new Text { Level = Text.Types.Level.Warning, Message = SecretRedactor.Redact(message) });
        }
        catch (InvalidOperationException)
        {
            // The run ended meanwhile; the log above still says it.
        }
    }
}
