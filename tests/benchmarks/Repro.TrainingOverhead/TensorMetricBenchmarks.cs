using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TrainingOverhead;

/// <summary>
/// A tensor metric on the CPU against what a program writes without one: <c>item()</c> into a double metric.
/// The bar: a tensor [Metric] costs no more than <c>item()</c> (on the CPU, where nothing is deferred).
/// In-process: libtorch's native libraries load once, as in the training program.
/// </summary>
[InProcess]
[MemoryDiagnoser]
public partial class TensorMetricBenchmarks
{
    private Run? _run;
    private string? _home;
    private Tensor _loss = null!;
    private Tensor _activations = null!;
    private long _step;

    [Metric("bench/loss_double")]
    private partial void LogLossDouble(long step, double value);

    [Metric("bench/loss_tensor")]
    private partial void LogLossTensor(long step, Tensor value);

    [Metric("bench/activation_mean_tensor", Reduction = TensorReduction.Mean)]
    private partial void LogActivationMean(long step, Tensor value);

    [Metric("bench/activation_mean_double")]
    private partial void LogActivationMeanDouble(long step, double value);

    [GlobalSetup]
    public void Setup()
    {
        torch.random.manual_seed(1);
        _loss = tensor(0.6931f);
        _activations = randn(64, 128);
        _home = Directory.CreateTempSubdirectory("repro-tensor-bench-").FullName;
        _run = Run.Start(new RunOptions { Home = _home, Name = "tensor-bench", HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _run?.Dispose();
        _loss.Dispose();
        _activations.Dispose();
        Directory.Delete(_home!, recursive: true);
    }

    /// <summary>Reading the value alone: what any loop that prints its loss pays.</summary>
    [Benchmark(Baseline = true)]
    public float Item() => _loss.item<float>();

    /// <summary>What a program logs today: item() into a double [Metric].</summary>
    [Benchmark]
    public void ItemIntoDoubleMetric() => LogLossDouble(_step++, _loss.item<float>());

    /// <summary>The tensor [Metric]: no item() in the program.</summary>
    [Benchmark]
    public void TensorMetric() => LogLossTensor(_step++, _loss);

    /// <summary>mean().item() into a double [Metric].</summary>
    [Benchmark]
    public void MeanItemIntoDoubleMetric()
    {
        using var mean = _activations.mean();
        LogActivationMeanDouble(_step++, mean.item<float>());
    }

    /// <summary>The tensor [Metric] with Reduction = Mean.</summary>
    [Benchmark]
    public void TensorMetricMean() => LogActivationMean(_step++, _activations);
}
