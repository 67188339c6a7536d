using System.CommandLine;
using Repro.Artifacts;
using Repro.Artifacts.Remote;
using Repro.Runs;

namespace Repro.Cli.Commands;

/// <summary>
/// Brings objects a run references into the local store from the remote store they were uploaded to, verified, when
/// they are missing here: how <c>repro artifacts get</c> works on a machine other than the one that trained.
/// </summary>
internal sealed class RemoteFetcher : IDisposable
{
    private readonly CommandContext _context;
    private readonly ContentStore _local;
    private readonly Lazy<S3ObjectStore?> _remote;

    public RemoteFetcher(CommandContext context, RemoteStoreAccess access, ParseResult parse, RunManifest manifest, ContentStore local)
    {
        _context = context;
        _local = local;
        _remote = new Lazy<S3ObjectStore?>(() => access.Address(parse, manifest, recordedOnly: true) is { } address ? access.Open(parse, address) : null);
    }

    /// <summary>Fetches the object named <paramref name="hash"/> when the local store lacks it and a remote store has it.</summary>
    public void EnsureLocal(string hash)
    {
        if (_local.Contains(hash) || _remote.Value is not { } remote)
        {
            return; // present here, or nowhere else to look: the copy reports what is wrong
        }

        remote.DownloadIntoAsync(hash, _local).GetAwaiter().GetResult();
        _context.Error.WriteLine($"repro: fetched {remote.Address.LocationOf(hash)} (verified)");
    }

    public void Dispose()
    {
        if (_remote.IsValueCreated)
        {
            _remote.Value?.Dispose();
        }
    }
}
