using Repro.Storage;
using Repro.Storage.Postgres;

namespace Repro;

public sealed partial class Run
{
    private LiveShipping? _shipping;
    private TimeSpan _shipGrace;

    /// <summary>Starts shipping to the store named by the options or <c>REPRO_STORE</c>; no connection is made on this thread.</summary>
    private void StartShipping(RunOptions options, PostgresStoreAddress? address)
    {
        if (address is null)
        {
            return;
        }

        _shipGrace = options.StoreShipGrace;
        _shipping = new LiveShipping(address, new RunStore(HomeDirectory), Id.ToString(), options.StoreShipInterval, _logger);
    }

    /// <summary>After the final manifest: the last passes, within the grace; what is left waits for <c>repro push</c>.</summary>
    private void FinishShipping()
    {
        if (_shipping is not { } shipping)
        {
            return;
        }

        if (!shipping.Finish(_shipGrace))
        {
            Diagnostics.ReproLog.ShippingDelayed(_logger, Id.ToString(),
                $"the central store holds events up to {shipping.Cursor} of this run ({shipping.Problem ?? "still sending"}); the run's files are complete, and `repro push {Id}` sends the rest");
        }

        shipping.Dispose();
    }
}
