using BenchmarkDotNet.Attributes;
using Repro.Pipeline;
using Repro.Serilog;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// What one Serilog event costs the calling thread when it is recorded in the run (<see cref="ReproSink"/>, with the
/// enricher), against the same logger writing to a sink that does nothing, in the same run.
/// </summary>
[MemoryDiagnoser]
public class SerilogSinkBenchmarks
{
    private BenchmarkRun _run = null!;
    private Logger _intoRun = null!;
    private Logger _intoNothing = null!;
    private int _epoch;

    [GlobalSetup]
    public void Setup()
    {
        _run = new BenchmarkRun(BufferFullPolicy.Block);
        _intoRun = new LoggerConfiguration().Enrich.WithRepro().WriteTo.Repro().CreateLogger();
        _intoNothing = new LoggerConfiguration().WriteTo.Sink(new NothingSink()).CreateLogger();
    }

    [GlobalCleanup]
    public void TearDown()
    {
        _intoRun.Dispose();
        _intoNothing.Dispose();
        _run.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void SerilogIntoNothing() => _intoNothing.Information("Epoch {Epoch} finished with loss {Loss}", ++_epoch, 0.25);

    [Benchmark]
    public void SerilogIntoTheRun() => _intoRun.Information("Epoch {Epoch} finished with loss {Loss}", ++_epoch, 0.25);

    private sealed class NothingSink : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
        }
    }
}
