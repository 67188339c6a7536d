using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Microsoft.Extensions.Logging;
using Repro.Benchmarks.Runtime;
using Repro.Pipeline;

namespace Repro.Benchmarks.Generators;

/// <summary>
/// What logging one scalar costs the thread that logs it, against a [LoggerMessage] call into a provider that
/// does nothing (issue 17: at most half of it, with 0 bytes allocated). A training loop logs in bursts between
/// steps, and the writer drains in between: so each invocation logs a burst into a run whose buffer the writer has
/// emptied (IterationSetup flushes), and the figure is per scalar. One thread, and four threads on this machine's
/// two cores, each logging a quarter of the burst; the same harness runs the baseline. The writer's sustained
/// throughput, which bounds logging without pauses, is measured by ThroughputBenchmarks and CompactLogBenchmarks.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(FullyOptimized))]
[InvocationCount(1)]
[WarmupCount(60)]
[IterationCount(40)]
public partial class ProducerSideBenchmarks
{
    private const int Burst = 65536;
    private const int Threads = 4;
    private BenchmarkRun? _run;
    private TrainingMetrics? _metrics;
    private ILoggerFactory? _factory;
    private ILogger? _logger;
    private ThreadGang? _gang;
    private long _step;

    [GlobalSetup]
    public void Setup()
    {
        _run = new BenchmarkRun(BufferFullPolicy.Block);
        _metrics = new TrainingMetrics();
        _factory = LoggerFactory.Create(b => b.AddProvider(new NothingProvider()).SetMinimumLevel(LogLevel.Information));
        _logger = _factory.CreateLogger("training");
        _gang = new ThreadGang(Threads);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _gang!.Dispose();
        _run!.Dispose();
        _factory!.Dispose();
    }

    /// <summary>The writer has written everything before each burst, as it has between a loop's steps.</summary>
    [IterationSetup]
    public void Drain() => _run!.Run.Flush();

    [Benchmark(Baseline = true, OperationsPerInvoke = Burst, Description = "[LoggerMessage] no-op, 1 thread")]
    public void LoggerMessageOneThread() => LogMessages(Burst);

    [Benchmark(OperationsPerInvoke = Burst, Description = "[Metric], 1 thread")]
    public void MetricOneThread() => LogMetrics(Burst);

    [Benchmark(OperationsPerInvoke = Burst, Description = "[LoggerMessage] no-op, 4 threads")]
    public void LoggerMessageFourThreads() => _gang!.Run(() => LogMessages(Burst / Threads));

    [Benchmark(OperationsPerInvoke = Burst, Description = "[Metric], 4 threads")]
    public void MetricFourThreads() => _gang!.Run(() => LogMetrics(Burst / Threads));

    private void LogMessages(int count)
    {
        var logger = _logger!;
        var step = Interlocked.Add(ref _step, count) - count;
        for (var i = 0; i < count; i++)
        {
            LogLoss(logger, step + i, 0.25);
        }
    }

    private void LogMetrics(int count)
    {
        var metrics = _metrics!;
        var step = Interlocked.Add(ref _step, count) - count;
        for (var i = 0; i < count; i++)
        {
            metrics.LogLoss(step + i, 0.25);
        }
    }

    /// <summary>
    /// With one invocation per iteration, a method is called once per iteration, and the runtime's 100 ms delay
    /// before promoting it to optimised, profile-guided code left some runs measuring it half-way (two runs of the
    /// same code differed by half). Without the delay, the warm-up reaches the code a long-running program runs.
    /// Turning tiering off instead would take away the profile-guided devirtualisation [LoggerMessage] relies on.
    /// </summary>
    private sealed class FullyOptimized : ManualConfig
    {
        public FullyOptimized() => AddJob(Job.Default.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TC_CallCountingDelayMs", "0")));
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "loss {Step} {Loss}")]
    private static partial void LogLoss(ILogger logger, long step, double loss);

    /// <summary>A provider that is enabled and does nothing: the cost is the call and its state alone.</summary>
    private sealed class NothingProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new NothingLogger();

        public void Dispose()
        {
        }

        private sealed class NothingLogger : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
            }
        }
    }

    /// <summary>Threads that stay up between invocations, so that starting them is not measured.</summary>
    private sealed class ThreadGang : IDisposable
    {
        private readonly Thread[] _threads;
        private readonly Barrier _start;
        private readonly Barrier _done;
        private Action? _work;
        private volatile bool _stop;

        public ThreadGang(int count)
        {
            _start = new Barrier(count + 1);
            _done = new Barrier(count + 1);
            _threads = Enumerable.Range(0, count).Select(i => new Thread(Work) { IsBackground = true, Name = "producer " + i }).ToArray();
            foreach (var thread in _threads)
            {
                thread.Start();
            }
        }

        public void Run(Action work)
        {
            _work = work;
            _start.SignalAndWait();
            _done.SignalAndWait();
        }

        public void Dispose()
        {
            _stop = true;
            _start.SignalAndWait();
            foreach (var thread in _threads)
            {
                thread.Join();
            }

            _start.Dispose();
            _done.Dispose();
        }

        private void Work()
        {
            while (true)
            {
                _start.SignalAndWait();
                if (_stop)
                {
                    return;
                }

                _work!();
                _done.SignalAndWait();
            }
        }
    }
}
