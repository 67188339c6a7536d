using System.Globalization;
using Repro.Events;
using Repro.Storage.Maintenance;

namespace Repro;

/// <summary>The home's growth, checked once at the start of each run against the retention policy's threshold.</summary>
public sealed partial class Run
{
    /// <summary>
    /// Off the training thread: when <c>retention.json</c> sets <c>growth_warning_mb_per_day</c>, samples the home's size
    /// and, when it grew faster than that since about a day ago, logs a warning and records it in the run as a warning
    /// text event. Nothing here can fail the run.
    /// </summary>
    private void StartGrowthCheck()
    {
        var home = HomeDirectory;
        _ = Task.Run(() =>
        {
            try
            {
                if (RetentionPolicy.Load(home).GrowthWarningMegabytesPerDay is not { } limit
                    || HomeGrowth.Sample(home, DateTimeOffset.UtcNow) is not { } rate
                    || rate.BytesPerDay <= limit * 1e6)
                {
                    return;
                }

                var message = string.Create(CultureInfo.InvariantCulture,
                    $"The Repro home {home} grew {(rate.Bytes - rate.EarlierBytes) / 1e6:0.#} MB in the last {rate.Since.TotalHours:0.#} hours ({rate.BytesPerDay / 1e6:0.#} MB a day, over the {limit:0.###} MB a day of growth_warning_mb_per_day); 'repro du' shows where, 'repro gc' applies the retention policy.");
                Diagnostics.ReproLog.HomeGrowing(_logger, message);
                if (!_ended)
                {
                    LogText(message, Text.Types.Level.Warning);
                }
            }
#pragma warning disable CA1031 // A check of the home's size must never take the training process down.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Diagnostics.ReproLog.HomeGrowthUnknown(_logger, e.Message);
            }
        });
    }
}
