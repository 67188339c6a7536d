using Repro.Tests.Shared;
using System.Text.Json;

namespace Repro.Cli.Tests.Commands;

[Collection(SequentialRuns.Name)]
public class EventsCommandTests
{
    [Fact]
    public void Jsonl_prints_one_parsable_object_per_event_in_sequence_order()
    {
        using var cli = new CliHarness();
        var id = cli.RecordRun("baseline", 4);

        var (code, output, error) = cli.Invoke("events", id, "--jsonl");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.DoesNotContain("\r", output, StringComparison.Ordinal);
        Assert.EndsWith("}\n", output, StringComparison.Ordinal);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], events.Select(e => e.GetProperty("sequence").GetInt32()));
        Assert.Equal(["lifecycle", "metric_declared", "scalar", "scalar", "scalar", "scalar", "lifecycle"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal([1.0, 0.5, 1.0 / 3, 0.25], events.Skip(2).Take(4).Select(e => e.GetProperty("value").GetDouble()));
        Assert.All(events, e => Assert.Equal(Environment.ProcessId, e.GetProperty("source").GetProperty("pid").GetInt32()));
        Assert.All(events, e => Assert.Equal(id, e.GetProperty("runId").GetString()));
        Assert.All(events, e => Assert.EndsWith("+00:00", e.GetProperty("timestamp").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public void The_table_lists_each_event()
    {
        using var cli = new CliHarness();
        var id = cli.RecordRun("baseline", 2);

        var (code, output, _) = cli.Invoke("events", id);

        Assert.Equal(0, code);
        Assert.Contains("started", output, StringComparison.Ordinal);
        Assert.Contains("finished", output, StringComparison.Ordinal);
        Assert.Contains("0.5", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_log_prints_what_was_intact_and_reports_where_it_stopped()
    {
        using var cli = new CliHarness();
        var id = cli.RecordRun("baseline", 4);
        var segment = Path.Combine(cli.Home, "runs", id, "wal", "00000001.log");
        var bytes = File.ReadAllBytes(segment);
        File.WriteAllBytes(segment, bytes[..^5]);

        var (code, output, error) = cli.Invoke("events", id, "--jsonl");

        Assert.Equal(1, code);
        Assert.Equal(6, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("00000001.log at offset", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jsonl_streams_a_run_far_larger_than_the_heap_it_may_use()
    {
        // A million scalars would take about 450 MB as event objects; the CLI gets a 64 MiB heap. A command that loaded
        // the run (or its output) into memory before printing fails with OutOfMemoryException instead of printing.
        const int Scalars = 1_000_000;
        using var home = new TemporaryDirectory("repro-events-stream");
        string id;
        using (var run = Run.Start(new RunOptions { Home = home.Path, Name = "long", TelemetryInterval = TimeSpan.Zero, HookProcessEvents = false, Pipeline = new Repro.Pipeline.EventPipelineOptions { FullPolicy = Repro.Pipeline.BufferFullPolicy.Block } }))
        {
            id = run.Id.ToString();
            var loss = new MetricDeclaration("loss");
            for (var step = 0; step < Scalars; step++)
            {
                run.LogScalar(loss, step, 1.0 / (step + 1));
            }
        }

        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { RepoPaths.Artifact("Repro.Cli", "repro.dll"), "events", id, "--jsonl", "--home", home.Path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["DOTNET_GCHeapHardLimit"] = "0x4000000" },
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        long lines = 0, scalars = 0;
        string? last = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            lines++;
            scalars += line.Contains("\"type\":\"scalar\"", StringComparison.Ordinal) ? 1 : 0;
            last = line;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var errors = await error;
        Assert.True(process.ExitCode == 0, $"repro events exited with {process.ExitCode}: {errors}");
        Assert.Equal(Scalars + 3, lines); // started, the metric's declaration, the scalars, finished
        Assert.Equal(Scalars, scalars);
        Assert.Equal("finished", JsonDocument.Parse(last!).RootElement.GetProperty("kind").GetString());
    }
}
