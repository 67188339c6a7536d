using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Repro.Serilog.Tests;

/// <summary>Real Serilog pipelines writing into real runs: what the run's log holds afterwards.</summary>
public sealed class ReproSinkTests : IDisposable
{
    private readonly TemporaryDirectory _home = new("repro-serilog");

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Log_events_become_text_events_with_level_message_properties_and_the_step_in_log_order()
    {
        var loss = new MetricDeclaration("loss");
        string runId;
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().Enrich.WithRepro().WriteTo.Repro().CreateLogger())
        using (var run = Start())
        {
            runId = run.Id.ToString();
            run.LogScalar(loss, 7, 0.5);
            logger.Information("Epoch {Epoch} finished with loss {Loss}", 3, 0.25);
            logger.Debug("left out: below the sink's minimum level");
            logger.Warning(new InvalidOperationException("disk almost full"), "Checkpoint {Name} was slow", "best");
        }

        var texts = Texts(runId);
        Assert.Equal(2, texts.Count);
        Assert.Equal((Text.Types.Level.Information, "Epoch 3 finished with loss 0.25", 7L), (texts[0].Text.Level, texts[0].Text.Message, texts[0].Step));
        Assert.Equal("3", texts[0].Tags["Epoch"]);
        Assert.Equal("0.25", texts[0].Tags["Loss"]);
        Assert.Equal(Environment.MachineName, texts[0].Tags[ReproEnricher.HostProperty]);
        Assert.Equal("0", texts[0].Tags[ReproEnricher.RankProperty]);
        Assert.False(texts[0].Tags.ContainsKey(ReproEnricher.RunIdProperty)); // the run knows its own id
        Assert.Equal(Text.Types.Level.Warning, texts[1].Text.Level);
        Assert.Equal("Checkpoint \"best\" was slow (System.InvalidOperationException: disk almost full)", texts[1].Text.Message); // Serilog quotes strings
        Assert.True(texts[0].Sequence < texts[1].Sequence);
    }

    [Fact]
    public void Secrets_in_messages_and_properties_are_redacted_before_anything_is_written()
    {
        string runId;
        using (var logger = new LoggerConfiguration().WriteTo.Repro().CreateLogger())
        using (var run = Start())
        {
            runId = run.Id.ToString();
            logger.Information("Connecting to {Database} as {User} with password={Password}", "postgres://ml:UrlSecretPlain@db/runs", "ana", "PasswordPlain");
            logger.Information("Token {ApiToken} loaded", "TokenPlain-123");
        }

        var texts = Texts(runId);
        Assert.Equal("***", texts[0].Tags["Password"]);
        Assert.Equal("***", texts[1].Tags["ApiToken"]);
        Assert.Equal("ana", texts[0].Tags["User"]);
        Assert.Equal("Token \"***\" loaded", texts[1].Text.Message); // masked before rendering, not only in the tag
        foreach (var file in Directory.EnumerateFiles(_home.Path, "*", SearchOption.AllDirectories))
        {
            var content = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file));
            foreach (var secret in new[] { "UrlSecretPlain", "PasswordPlain", "TokenPlain-123" })
            {
                Assert.False(content.Contains(secret, StringComparison.Ordinal), $"{secret} found in {file}");
            }
        }
    }

    [Fact]
    public void Without_an_active_run_the_sink_records_nothing_and_never_throws()
    {
        var sink = new ReproSink();
        using var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();

        logger.Information("before any run");
        var run = Start();
        run.Finish();
        logger.Information("after the run ended");

        Assert.Equal(2, sink.Skipped);
        Assert.Empty(Texts(run.Id.ToString()));
    }

    [Fact]
    public void The_enricher_adds_the_run_step_rank_and_host_to_events_for_other_sinks_and_nothing_outside_a_run()
    {
        var collected = new CollectingSink();
        using var logger = new LoggerConfiguration().Enrich.WithRepro().WriteTo.Sink(collected).CreateLogger();

        logger.Information("outside");
        using (var run = Start())
        {
            run.LogScalar(new MetricDeclaration("loss"), 42, 1.0);
            logger.Information("inside");
            Assert.Equal(run.Id.ToString(), ((ScalarValue)collected.Events[1].Properties[ReproEnricher.RunIdProperty]).Value);
        }

        Assert.False(collected.Events[0].Properties.ContainsKey(ReproEnricher.RunIdProperty));
        Assert.Equal(42L, ((ScalarValue)collected.Events[1].Properties[ReproEnricher.StepProperty]).Value);
        Assert.Equal(Environment.MachineName, ((ScalarValue)collected.Events[1].Properties[ReproEnricher.HostProperty]).Value);
    }

    private Run Start() => Run.Start(new RunOptions { Home = _home.Path, Name = "serilog", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });

    private List<Event> Texts(string runId) => new RunStore(_home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Text).ToList();

    private sealed class CollectingSink : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
