using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Repro.Benchmarks.Runtime;
using Repro.Pipeline;
using Serilog.Core;
using Serilog.Events;
using ZLogger;

namespace Repro.Benchmarks.Generators;

/// <summary>
/// One scalar (step, loss) logged from a training loop five ways, each into the least a working
/// setup needs: the generated [Metric] method into a real run (its WAL is written by the background
/// writer); a [LoggerMessage] method with an enabled provider that formats the message, as console
/// and file providers do; Serilog with a sink that discards events; ZLogger writing to Stream.Null;
/// and the dictionary call of Python-style trackers, into the least such a tracker does: a queue that a
/// background thread drains (as MLflow's asynchronous logging does), discarding what it takes.
/// </summary>
[MemoryDiagnoser]
[IterationTime(250)]
[WarmupCount(3)]
[IterationCount(10)]
public partial class ScalarLoggingComparison
{
    private BenchmarkRun? _run;
    private TrainingMetrics? _metrics;
    private ILoggerFactory? _melFactory;
    private ILogger? _mel;
    private global::Serilog.Core.Logger? _serilog;
    private ILoggerFactory? _zloggerFactory;
    private ILogger? _zlogger;
    private DictionaryTracker? _tracker;
    private long _step;
    private double _loss = 0.25;

    [GlobalSetup]
    public void Setup()
    {
        _run = new BenchmarkRun(BufferFullPolicy.Block);
        _metrics = new TrainingMetrics();
        _melFactory = LoggerFactory.Create(b => b.AddProvider(new FormattingProvider()).SetMinimumLevel(LogLevel.Information));
        _mel = _melFactory.CreateLogger("training");
        _serilog = new global::Serilog.LoggerConfiguration().MinimumLevel.Information().WriteTo.Sink(new DiscardingSink()).CreateLogger();
        _zloggerFactory = LoggerFactory.Create(b => b.AddZLoggerStream(Stream.Null).SetMinimumLevel(LogLevel.Information));
        _zlogger = _zloggerFactory.CreateLogger("training");
        _tracker = new DictionaryTracker();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _run!.Dispose();
        _melFactory!.Dispose();
        _serilog!.Dispose();
        _zloggerFactory!.Dispose();
        _tracker!.Dispose();
    }

    [Benchmark(Baseline = true, Description = "[Metric] (Repro)")]
    public void Metric() => _metrics!.LogLoss(_step++, _loss);

    [Benchmark(Description = "[LoggerMessage]")]
    public void LoggerMessage() => LogLoss(_mel!, _step++, _loss);

    [Benchmark(Description = "Serilog")]
    public void Serilog() => _serilog!.Information("loss {Step} {Loss}", _step++, _loss);

    [Benchmark(Description = "ZLogger")]
    public void ZLogger() => _zlogger!.ZLogInformation($"loss {_step++} {_loss}");

    [Benchmark(Description = "dictionary (tracker style)")]
    public void Dictionary() => _tracker!.Log(new Dictionary<string, object> { ["loss"] = _loss }, _step++);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "loss {Step} {Loss}")]
    private static partial void LogLoss(ILogger logger, long step, double loss);

    private sealed class FormattingProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new FormattingLogger();

        public void Dispose()
        {
        }

        private sealed class FormattingLogger : ILogger
        {
            private int _length;

            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                _length += formatter(state, exception).Length;
        }
    }

    private sealed class DiscardingSink : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
        }
    }

    private sealed class DictionaryTracker : IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(Dictionary<string, object> Metrics, long Step)> _queue = new();
        private readonly Thread _drain;
        private volatile bool _stop;

        public DictionaryTracker()
        {
            _drain = new Thread(() =>
            {
                while (!_stop)
                {
                    while (_queue.TryDequeue(out _))
                    {
                    }

                    Thread.Sleep(1);
                }
            }) { IsBackground = true };
            _drain.Start();
        }

        public void Log(Dictionary<string, object> metrics, long step) => _queue.Enqueue((metrics, step));

        public void Dispose()
        {
            _stop = true;
            _drain.Join();
        }
    }
}

/// <summary>The metric as a Repro user declares it; the generator writes the body.</summary>
public sealed partial class TrainingMetrics
{
    /// <summary>Loss of one mini-batch.</summary>
    [Metric]
    public partial void LogLoss(long step, double value);
}
