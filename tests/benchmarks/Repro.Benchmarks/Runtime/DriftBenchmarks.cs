using BenchmarkDotNet.Attributes;
using Repro.Aggregation;
using Repro.Drift;
using Repro.Storage;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// What <c>repro drift</c> costs for 30 days × 100 features: a training run with a baseline of 10,000 examples and a
/// serving run with 1,000 examples a day for 30 days, both recorded with <c>Run.LogFeatures</c>. Measured in the same
/// run: reading the two runs' events alone (the baseline), the whole comparison (read, merge, PSI and KS for 3,000
/// feature-days), and the 3,000 PSI and KS computations alone on sketches in memory.
/// </summary>
[MemoryDiagnoser]
public class DriftBenchmarks
{
    private const int Features = 100;
    private const int Days = 30;
    private string _home = null!;
    private string _training = null!;
    private string _serving = null!;
    private RunStore _store = null!;
    private TDigest[] _baselines = null!;
    private TDigest[] _windows = null!;

    [GlobalSetup]
    public void Setup()
    {
        _home = Directory.CreateTempSubdirectory("repro-bench-drift-").FullName;
        var features = new FeatureSet([.. Enumerable.Range(0, Features).Select(i => $"f{i:D3}")]);
        var random = new Random(20261206);
        var values = new double[Features];
        using (var training = Run.Start(new RunOptions { Home = _home, TelemetryInterval = TimeSpan.Zero }))
        {
            _training = training.Id.ToString();
            for (var example = 0; example < 10_000; example++)
            {
                Fill(random, values, 0);
                training.LogFeatures(features, 0, values);
            }
        }

        using (var serving = Run.Start(new RunOptions { Home = _home, TelemetryInterval = TimeSpan.Zero }))
        {
            _serving = serving.Id.ToString();
            for (var day = 0; day < Days; day++)
            {
                for (var example = 0; example < 1_000; example++)
                {
                    Fill(random, values, day * 0.01);
                    serving.LogFeatures(features, 20_000 + day, values);
                }
            }
        }

        _store = new RunStore(_home);
        _baselines = [.. Enumerable.Range(0, Features).Select(_ => Digest(random, 10_000, 0))];
        _windows = [.. Enumerable.Range(0, Features * Days).Select(i => Digest(random, 1_000, (i % Days) * 0.01))];
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_home, recursive: true);

    [Benchmark(Baseline = true)]
    public int ReadEventsOnly() => _store.ReadEvents(_training).Count() + _store.ReadEvents(_serving).Count();

    [Benchmark]
    public int Compare() => DriftAnalysis.Compare(_store, _training, _serving).Features.Count;

    [Benchmark]
    public double MeasuresOnly()
    {
        var sum = 0.0;
        for (var i = 0; i < _windows.Length; i++)
        {
            var baseline = _baselines[i / Days];
            sum += DriftMeasures.PopulationStabilityIndex(baseline, _windows[i]) + DriftMeasures.KolmogorovSmirnov(baseline, _windows[i]);
        }

        return sum;
    }

    private static void Fill(Random random, double[] values, double shift)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = shift + random.NextDouble();
        }
    }

    private static TDigest Digest(Random random, int count, double shift)
    {
        var digest = new TDigest();
        for (var i = 0; i < count; i++)
        {
            digest.Add(shift + random.NextDouble());
        }

        return digest;
    }
}
