using Repro.Events;
using Repro.Pipeline;
using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;
using Repro.Wal;

namespace Repro.Runtime.Tests.Pipeline;

[Collection(SequentialRuns.Name)]
public class RunPipelineTests
{
    private static readonly MetricDeclaration s_value = new("value");
    private static readonly MetricDeclaration s_other = new("other", unit: "s", tags: new Dictionary<string, string> { ["phase"] = "train" });

    [Fact]
    public void Flush_makes_every_earlier_event_readable_while_the_run_goes_on()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, Pipeline = new EventPipelineOptions { IdleWait = TimeSpan.FromSeconds(1) } });
        for (var i = 0; i < 1000; i++)
        {
            run.LogScalar(s_value, i, i);
        }

        run.Flush();
        var afterFlush = ScalarSteps(run.Directory);
        run.LogScalar(s_value, 1000, 1000);
        run.FlushDurable();

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), afterFlush);
        Assert.Equal(1001, ScalarSteps(run.Directory).Count);
    }

    [Fact]
    public void Segments_rotate_by_size_and_read_back_as_one_log()
    {
        using var home = new TemporaryDirectory();
        string directory;
        using (var run = Run.Start(new RunOptions { Home = home.Path, Pipeline = new EventPipelineOptions { SegmentSizeBytes = 4096, MaxBatchSize = 64 } }))
        {
            directory = run.Directory;
            for (var i = 0; i < 50_000; i++)
            {
                run.LogScalar(i % 2 == 0 ? s_value : s_other, i, i * 0.5);
            }
        }

        var segments = WalReader.ListSegments(Path.Combine(directory, "wal"));
        var events = WalEventReader.Read(Path.Combine(directory, "wal")).ToList();

        Assert.True(segments.Count > 5, $"{segments.Count} segments");
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (ulong)i), events.Select(e => e.Sequence));
        var scalars = events.Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).ToList();
        Assert.Equal(Enumerable.Range(0, 50_000).Select(i => (long)i), scalars.Select(e => e.Step));
        Assert.All(scalars.Where(e => e.Name == "other"), e => Assert.Equal("train", e.Tags["phase"]));
        Assert.All(events, e => Assert.Equal(Environment.ProcessId, e.Source.Pid));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public void Many_threads_logging_at_once_lose_nothing_under_the_block_policy()
    {
        using var home = new TemporaryDirectory();
        string directory;
        using (var run = Run.Start(new RunOptions { Home = home.Path, Pipeline = new EventPipelineOptions { BufferCapacity = 64 } }))
        {
            directory = run.Directory;
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                var metric = new MetricDeclaration($"thread{t}");
                for (var i = 0; i < 50_000; i++)
                {
                    run.LogScalar(metric, i, t);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Equal(0, run.DroppedEvents);
        }

        var scalars = WalEventReader.Read(Path.Combine(directory, "wal")).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).ToList();
        for (var t = 0; t < 4; t++)
        {
            Assert.Equal(Enumerable.Range(0, 50_000).Select(i => (long)i), scalars.Where(e => e.Name == $"thread{t}").Select(e => e.Step));
        }
    }

    [Fact]
    public void Dropped_events_are_counted_reported_as_an_event_and_kept_in_the_manifest()
    {
        using var home = new TemporaryDirectory();
        string runId;
        long dropped;
        const int Logged = 400_000;
        using (var run = Run.Start(new RunOptions { Home = home.Path, Pipeline = new EventPipelineOptions { BufferCapacity = 64, FullPolicy = BufferFullPolicy.DropNewest, MaxBatchSize = 16 } }))
        {
            runId = run.Id.ToString();
            var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
            {
                for (var i = 0; i < Logged / 2; i++)
                {
                    run.LogScalar(s_value, i, i);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            run.Finish();
            dropped = run.DroppedEvents;
        }

        var store = new RunStore(home.Path);
        var events = store.ReadEvents(runId).ToList();
        var written = events.Count(e => e.ValueCase == Event.ValueOneofCase.Scalar);
        Assert.Equal(Logged, written + dropped); // every scalar is either in the log or counted
        Assert.Equal((ulong)dropped, store.GetRun(runId).DroppedEvents);
        if (dropped > 0)
        {
            Assert.Equal((ulong)dropped, events.Last(e => e.ValueCase == Event.ValueOneofCase.Dropped).Dropped.Total);
        }
    }

    [Fact]
    public void Text_checkpoint_and_retry_events_keep_their_place_among_scalars()
    {
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path }))
        {
            runId = run.Id.ToString();
            run.LogScalar(s_value, 1, 1);
            run.LogText("warming up", Text.Types.Level.Warning, step: 1);
            run.LogScalar(s_value, 2, 2);
            run.RecordCheckpoint("/ckpt/step2.pt", 2);
            run.RecordRetry("data loader", 2, step: 3);
            run.LogScalar(s_value, 3, 3);
        }

        var kinds = new RunStore(home.Path).ReadEvents(runId).Select(e => e.ValueCase switch
        {
            Event.ValueOneofCase.Scalar => "s" + e.Step,
            Event.ValueOneofCase.Text => "text:" + e.Text.Message,
            Event.ValueOneofCase.Lifecycle => EventJsonWriter.LifecycleKindName(e.Lifecycle.Kind),
            _ => EventJsonWriter.TypeName(e.ValueCase),
        });

        Assert.Equal(["started", "metric_declared", "s1", "text:warming up", "s2", "checkpoint_saved", "retry", "s3", "finished"], kinds);
    }

    [Fact]
    public void A_failure_records_type_message_and_stack()
    {
        using var home = new TemporaryDirectory();
        var run = Run.Start(new RunOptions { Home = home.Path });
        try
        {
            throw new InvalidOperationException("loss is NaN");
        }
        catch (InvalidOperationException e)
        {
            run.Fail(e);
        }

        var failed = new RunStore(home.Path).ReadEvents(run.Id.ToString()).Last();
        Assert.Equal(Lifecycle.Types.Kind.Failed, failed.Lifecycle.Kind);
        Assert.Contains(nameof(A_failure_records_type_message_and_stack), failed.Lifecycle.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_writer_on_the_same_run_is_refused_clearly()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path });

        var error = Assert.Throws<RunLockedException>(() => RunLock.Acquire(run.Directory, run.Id.ToString()));

        Assert.Contains(run.Id.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("one writer", error.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Running, new RunStore(home.Path).GetRun(run.Id.ToString()).Status); // alive: not "recovered"
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("")]
    public void Invalid_metric_names_are_refused_at_declaration(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => new MetricDeclaration(name));

    [Fact]
    public void Invalid_tags_and_units_are_refused_at_declaration()
    {
        Assert.Throws<ArgumentException>(() => new MetricDeclaration("m", tags: Enumerable.Range(0, 17).ToDictionary(i => "k" + i, i => "v")));
        Assert.Throws<ArgumentException>(() => new MetricDeclaration("m", tags: new Dictionary<string, string> { ["bad key"] = "v" }));
        Assert.Throws<ArgumentException>(() => new MetricDeclaration("m", tags: new Dictionary<string, string> { ["k"] = new string('v', 257) }));
        Assert.Throws<ArgumentException>(() => new MetricDeclaration("m", unit: "a\nb"));
    }

    [Fact]
    public void The_same_name_with_different_units_is_refused()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path });
        run.LogScalar(new MetricDeclaration("latency", unit: "s"), 0, 1);

        var error = Assert.Throws<InvalidOperationException>(() => run.LogScalar(new MetricDeclaration("latency", unit: "ms"), 0, 1));

        Assert.Contains("latency", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_text_and_bad_options_are_refused()
    {
        using var home = new TemporaryDirectory();
        Assert.Throws<ArgumentException>(() => Run.Start(new RunOptions { Home = home.Path, Name = new string('n', 201) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Run.Start(new RunOptions { Home = home.Path, Pipeline = new EventPipelineOptions { BufferCapacity = 3 } }));
        Assert.Throws<ArgumentException>(() => Run.Start(new RunOptions { Home = home.Path, Rank = 2, WorldSize = 2 }));
        Assert.False(Directory.Exists(Path.Combine(home.Path, "runs")));

        using var run = Run.Start(new RunOptions { Home = home.Path });
        Assert.Throws<ArgumentException>(() => run.LogText(new string('x', Run.MaxTextLength + 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => run.RecordRetry("download", 0));
    }

    [Fact]
    public void Rank_and_world_size_are_recorded()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, Rank = 1, WorldSize = 4 });
        run.LogScalar(s_value, 0, 0);
        run.Flush();

        Assert.Equal((1, 4), (run.Manifest.Environment.Rank, run.Manifest.Environment.WorldSize));
        var scalar = WalEventReader.Read(Path.Combine(run.Directory, "wal")).Single(e => e.ValueCase == Event.ValueOneofCase.Scalar);
        Assert.Equal((1, 4), (scalar.Source.Rank, scalar.Source.WorldSize));
    }

    private static List<long> ScalarSteps(string runDirectory) =>
        WalEventReader.Read(Path.Combine(runDirectory, "wal")).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).Select(e => e.Step).ToList();
}
