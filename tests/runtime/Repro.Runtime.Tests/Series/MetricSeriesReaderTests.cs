using Repro.Series;
using Repro.Storage;
using Repro.Storage.Maintenance;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Series;

/// <summary>Charts of a downsampled run: its buckets become a band of at most one point per pixel column that keeps every spike.</summary>
[Collection(SequentialRuns.Name)]
public sealed class MetricSeriesReaderTests
{
    private static readonly MetricDeclaration s_loss = new("series_loss");

    [Fact]
    public void A_downsampled_metric_is_a_band_of_at_most_one_point_per_column_that_keeps_its_spike_and_its_lowest_value()
    {
        using var home = new TemporaryDirectory("repro-series");
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            for (long step = 0; step < 10_000; step++)
            {
                run.LogScalar(s_loss, step, step == 4_321 ? 500.0 : 1.0 / (step + 1));
            }
        }

        RunDownsampler.Downsample(ReproHome.RunDirectory(home.Path, runId), 10, DateTimeOffset.UtcNow);
        var series = MetricSeriesReader.Read(new RunStore(home.Path), runId, columns: 100).Single(s => s.Name == s_loss.Name);

        Assert.Empty(series.Points);
        Assert.Equal("downsampled: min–max, mean", series.BandKind);
        Assert.Equal(100, series.Band.Count);
        Assert.Equal(500.0, series.Band.Max(b => b.High));
        Assert.Equal(1.0 / 10_000, series.Band.Min(b => b.Low));
        Assert.Equal(9_999, series.Band[^1].Step);
        Assert.True(series.Band.Zip(series.Band.Skip(1)).All(p => p.First.Step < p.Second.Step));
        var spike = series.Band.Single(b => b.High == 500.0);
        Assert.InRange(spike.Step, 4_321, 4_421);
    }
}
