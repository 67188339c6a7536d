using BenchmarkDotNet.Attributes;
using Repro.Serving;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// A serving process's per-request call: <see cref="InferenceLogger.Record"/> with ten input features and one output
/// (12 values into per-day sketches, head sampling 1 in 1,000, a reservoir of 100 a day), from 1 and from 4 threads
/// (on this 2-core machine), 40,000 requests an invocation, until the writer has taken them all (the buffer blocks
/// the callers when full, so a writer that falls behind shows). Baseline in the same run: one <c>LogScalar</c> a request.
/// </summary>
[MemoryDiagnoser]
public class InferenceLoggerBenchmarks
{
    private const int Requests = 40_000;
    private static readonly MetricDeclaration s_latency = new("bench_latency_s");
    private string _home = null!;
    private Run _run = null!;
    private InferenceLogger _logger = null!;

    [Params(1, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _home = Directory.CreateTempSubdirectory("repro-bench-serving-").FullName;
        _run = Run.Start(new RunOptions { Home = _home, TelemetryInterval = TimeSpan.Zero, HookProcessEvents = false });
        _logger = new InferenceLogger(_run, new InferenceLoggerOptions
        {
            Features = new FeatureSet([.. Enumerable.Range(0, 10).Select(i => $"x{i}")]),
            Outputs = new FeatureSet(["confidence"], FeatureKind.Output),
            ModelSha256 = new string('b', 64),
            Pseudonymizer = new Repro.Security.Pseudonymizer("benchmark key of thirty-two bytes"u8),
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _logger.Dispose();
        _run.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Requests)]
    public void OneLogScalar() => InParallel(step =>
    {
        for (var i = 0; i < Requests / Threads; i++)
        {
            _run.LogScalar(s_latency, step, 0.002);
        }
    });

    [Benchmark(OperationsPerInvoke = Requests)]
    public void Record() => InParallel(_ =>
    {
        Span<double> features = stackalloc double[10];
        ReadOnlySpan<double> output = [0.9];
        for (var i = 0; i < Requests / Threads; i++)
        {
            features[i % 10] = i * 0.001;
            _logger.Record(TimeSpan.FromMilliseconds(2), output, features);
        }
    });

    private void InParallel(Action<long> work)
    {
        if (Threads == 1)
        {
            work(0);
        }
        else
        {
            var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() => work(t))).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
        }

        _run.Flush();
    }
}
