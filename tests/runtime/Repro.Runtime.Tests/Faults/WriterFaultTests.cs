using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Repro.Events;
using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Faults;

/// <summary>
/// Real faults under a live run: the writer fails, the run says why, logging becomes free, and
/// training goes on; nothing hangs (every test has a hard timeout) and nothing is thrown at the trainer.
/// </summary>
[Collection(SequentialRuns.Name)]
public class WriterFaultTests
{
    private static readonly TimeSpan s_hardTimeout = TimeSpan.FromSeconds(90);
    private static readonly MetricDeclaration s_value = new("value");

    [Fact]
    public void A_file_size_limit_fails_the_writer_and_the_process_trains_on_and_finishes()
    {
        using var home = new TemporaryDirectory("repro-fsize");
        using var child = new CrashChildProcess(fileSizeLimitKib: 2048, "fill", home.Path);
        var runId = child.WaitForRunId();
        Assert.Equal(0, child.WaitForExit());

        Assert.Single(child.Lines, l => l.StartsWith("FAULT ", StringComparison.Ordinal));
        Assert.Contains("FLUSH False False", child.Lines);
        Assert.Contains("ENDED", child.Lines);

        var store = new RunStore(home.Path);
        var manifest = store.GetRun(runId);
        Assert.Equal(RunStatus.Failed, manifest.Status);
        Assert.Contains("event writer failed", manifest.Failure, StringComparison.Ordinal);
        Assert.Contains("too large", manifest.Failure, StringComparison.Ordinal);
        // What reached the log before the fault reads back whole and in order.
        var steps = store.ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).Select(e => e.Step).ToList();
        Assert.NotEmpty(steps);
        Assert.Equal(Enumerable.Range(0, steps.Count).Select(i => (long)i), steps);
        Assert.False(File.Exists(Path.Combine(home.Path, "runs", runId, ManifestFile.ReserveFileName)));
    }

    [SkippableFact]
    public void A_full_disk_fails_the_writer_and_the_manifest_still_records_why()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root",
            "Mounting a 2 MiB tmpfs needs root (CI runs as root); the file-size-limit test covers the same path for every user.");
        using var mount = new TemporaryDirectory("repro-enospc");
        Mount(mount.Path);
        try
        {
            RunWithin(s_hardTimeout, () =>
            {
                var run = Run.Start(new RunOptions { Home = mount.Path, WarningsToStandardError = false });
                var runId = run.Id.ToString();
                long step = 0;
                for (; run.WriterFailure is null && step < 50_000_000; step++)
                {
                    run.LogScalar(s_value, step, step);
                    if (step % 10_000 == 0)
                    {
                        run.Flush();
                    }
                }

                Assert.IsType<IOException>(run.WriterFailure, exactMatch: false);
                for (var i = 0; i < 100_000; i++)
                {
                    run.LogScalar(s_value, step + i, i); // no exception, no block
                }

                run.RecordSeed("torch", 7); // a manifest write on a full disk is logged, not thrown
                Assert.False(run.Flush());
                Assert.False(run.FlushDurable());
                run.Finish();

                var manifest = RunManifestJson.Read(Path.Combine(mount.Path, "runs", runId, "manifest.json"));
                Assert.Equal(RunStatus.Failed, manifest.Status);
                Assert.Contains("No space left", manifest.Failure, StringComparison.Ordinal);
            });
        }
        finally
        {
            Unmount(mount.Path);
        }
    }

    [Fact]
    public void A_throwing_logger_provider_never_reaches_the_training_loop()
    {
        using var home = new TemporaryDirectory("repro-bad-logger");
        using var factory = new ThrowingFactory();
        RunWithin(s_hardTimeout, () =>
        {
            string runId;
            using (var run = Run.Start(new RunOptions { Home = home.Path, LoggerFactory = factory, WarningsToStandardError = false }))
            {
                runId = run.Id.ToString();
                // A warning Repro logs through the user's provider, which throws.
                run.RecordDeterminism(DeterminismReport.Create([], ["cuDNN benchmark mode is on."]));
                run.LogScalar(s_value, 1, 1);
            }

            Assert.Equal(RunStatus.Finished, new RunStore(home.Path).GetRun(runId).Status);
        });
    }

    [Fact]
    public void A_20_MiB_text_event_is_refused_with_a_clear_error_and_the_run_goes_on()
    {
        using var home = new TemporaryDirectory("repro-big-text");
        RunWithin(s_hardTimeout, () =>
        {
            string runId;
            using (var run = Run.Start(new RunOptions { Home = home.Path, WarningsToStandardError = false }))
            {
                runId = run.Id.ToString();
                var error = Assert.Throws<ArgumentException>(() => run.LogText(new string('x', 20 << 20)));
                Assert.Contains("at most 65536 characters", error.Message, StringComparison.Ordinal);
                run.LogScalar(s_value, 1, 1);
            }

            var events = new RunStore(home.Path).ReadEvents(runId).ToList();
            Assert.Equal(RunStatus.Finished, new RunStore(home.Path).GetRun(runId).Status);
            Assert.Single(events, e => e.ValueCase == Event.ValueOneofCase.Scalar);
        });
    }

    [Fact]
    public void A_hyperparameter_document_over_the_record_limit_becomes_a_marker_event_and_the_run_finishes()
    {
        using var home = new TemporaryDirectory("repro-big-config");
        RunWithin(s_hardTimeout, () =>
        {
            string runId;
            using (var run = Run.Start(new RunOptions { Home = home.Path, WarningsToStandardError = false }))
            {
                runId = run.Id.ToString();
                run.RecordHyperparameters(new HugeConfiguration(20 << 20));
                run.LogScalar(s_value, 1, 1);
            }

            var events = new RunStore(home.Path).ReadEvents(runId).ToList();
            Assert.Equal(RunStatus.Finished, new RunStore(home.Path).GetRun(runId).Status);
            var marker = Assert.Single(events, e => e.Name == "event_too_large");
            Assert.Contains("hyperparameters", marker.Text.Message, StringComparison.Ordinal);
            Assert.Single(events, e => e.ValueCase == Event.ValueOneofCase.Scalar);
        });
    }

    [Fact]
    public void The_largest_batch_size_writes_every_event()
    {
        using var home = new TemporaryDirectory("repro-big-batch");
        const int count = 3_000_000;
        RunWithin(s_hardTimeout, () =>
        {
            string runId;
            var options = new RunOptions { Home = home.Path, WarningsToStandardError = false, Pipeline = new Repro.Pipeline.EventPipelineOptions { MaxBatchSize = 1 << 20, BufferCapacity = 1 << 22 } };
            using (var run = Run.Start(options))
            {
                runId = run.Id.ToString();
                for (var step = 0; step < count; step++)
                {
                    run.LogScalar(s_value, step, step);
                }

                Assert.True(run.Flush());
            }

            var steps = new RunStore(home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).Select(e => e.Step);
            Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), steps);
        });
    }

    private static void RunWithin(TimeSpan limit, Action body)
    {
        var task = Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!task.Wait(limit))
        {
            Assert.Fail($"hung: not done after {limit.TotalSeconds} s");
        }

        task.GetAwaiter().GetResult();
    }

    private static void Mount(string path) => Exec("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", path);

    private static void Unmount(string path) => Exec("umount", "-l", path);

    private static void Exec(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {error}");
    }

    /// <summary>A user's logging set-up whose loggers throw on every call.</summary>
    private sealed class ThrowingFactory : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => new ThrowingLogger();

        public void Dispose()
        {
        }
    }

    private sealed class ThrowingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => throw new InvalidOperationException("the user's logger is broken");

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new InvalidOperationException("the user's logger is broken");
    }

    private sealed class HugeConfiguration(int length) : IHyperparameters
    {
        private readonly string _json = "{\"weights\":[" + string.Join(',', Enumerable.Repeat("0.123456789", length / 12)) + "]}";

        public string ToCanonicalJson() => _json;

        public string ComputeHash() => Repro.Hyperparameters.CanonicalJson.Sha256(_json);

        public IReadOnlyList<string> Validate() => [];

        public void Bind(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment)
        {
        }

        public string ToSummary() => "weights = (20 MiB of numbers)";
    }
}
