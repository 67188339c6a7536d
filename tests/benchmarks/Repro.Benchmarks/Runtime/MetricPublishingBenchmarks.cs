using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Repro.Pipeline;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// What publishing a run through System.Diagnostics.Metrics costs the logging call: <c>LogScalar</c> with
/// publishing off, and on with an OpenTelemetry meter provider collecting every 100 ms into memory, in the same run
/// of the benchmark (one run at a time: a run is process-wide).
/// </summary>
[MemoryDiagnoser]
public class MetricPublishingBenchmarks
{
    private static readonly MetricDeclaration s_loss = new("loss");
    private readonly List<Metric> _exported = [];
    private string _home = null!;
    private Run _run = null!;
    private MeterProvider? _provider;
    private long _step;

    [Params(false, true)]
    public bool Publish { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _home = Directory.CreateTempSubdirectory("repro-bench-otel-").FullName;
        if (Publish)
        {
            _provider = Sdk.CreateMeterProviderBuilder().AddMeter("Repro")
                .AddReader(new PeriodicExportingMetricReader(new OpenTelemetry.Exporter.InMemoryExporter<Metric>(_exported), 100))
                .Build();
        }

        _run = Run.Start(new RunOptions
        {
            Home = _home,
            Name = "publishing",
            HookProcessEvents = false,
            PublishMetrics = Publish,
            Pipeline = new EventPipelineOptions { FullPolicy = BufferFullPolicy.Block },
        });
    }

    [GlobalCleanup]
    public void TearDown()
    {
        _run.Dispose();
        _provider?.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Benchmark]
    public void LogScalar() => _run.LogScalar(s_loss, _step++, 0.25);
}
