using System.Text.Json;
using Repro.Events;
using Repro.Sinks;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Sinks;

[Collection(SequentialRuns.Name)]
public class SinkTests
{
    private static readonly MetricDeclaration s_loss = new("loss");

    [Fact]
    public void Replaying_into_both_sinks_twice_stores_each_event_once()
    {
        using var home = new TemporaryDirectory();
        var runId = RecordRun(home.Path, [0.5, double.NaN, -0.0, double.PositiveInfinity]);
        var store = new RunStore(home.Path);
        var expected = store.ReadEvents(runId).Count();

        SinkChecks.ReplayTwiceAndAssertEachEventOnce(store, runId, home.Path, expected);
    }

    [Fact]
    public void An_export_whose_writer_died_before_its_cursor_resumes_from_the_lines_after_the_cursor_without_duplicates()
    {
        using var home = new TemporaryDirectory();
        var runId = RecordRun(home.Path, [1, 2, 3, 4, 5, 6]);
        var store = new RunStore(home.Path);
        var all = store.ReadEvents(runId).ToList();
        var jsonl = Path.Combine(home.Path, "out.jsonl");
        using (var sink = new JsonLinesSink(jsonl))
        {
            sink.Deliver(runId, all.Take(3).ToList(), new SinkCursor(all[2].Sequence));
        }

        // What a crash between the lines and the cursor leaves: two more lines, a stale cursor, a torn third.
        using (var sink = new JsonLinesSink(Path.Combine(home.Path, "scratch.jsonl")))
        {
            sink.Deliver(runId, all.Skip(3).Take(2).ToList(), new SinkCursor(all[4].Sequence));
        }

        File.AppendAllLines(jsonl, File.ReadAllLines(Path.Combine(home.Path, "scratch.jsonl")));
        File.AppendAllText(jsonl, "{\"eventId\":\"torn");

        using (var sink = new JsonLinesSink(jsonl))
        {
            Assert.Equal(all[4].Sequence, sink.ReadCursor(runId).Sequence);
            SinkReplay.Replay(store, runId, sink);
        }

        var sequences = File.ReadLines(jsonl).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sequence").GetUInt64()).ToList();
        Assert.Equal(all.Select(e => e.Sequence), sequences);
    }

    [Fact]
    public void The_index_keeps_every_double_bit_for_bit_and_the_json_sink_as_documented()
    {
        using var home = new TemporaryDirectory();
        double[] values = [0.5, double.NaN, -0.0, double.NegativeInfinity];
        var runId = RecordRun(home.Path, values);
        var store = new RunStore(home.Path);
        using (var index = new SqliteIndexSink(RunIndex.PathOf(home.Path)))
        {
            SinkReplay.Replay(store, runId, index);
            var stored = index.ReadScalars(runId, "loss").ToList();
            Assert.Equal(Enumerable.Range(0, values.Length).Select(s => (long)s), stored.Select(s => s.Step));
            Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), stored.Select(s => BitConverter.DoubleToInt64Bits(s.Value)));
        }

        var jsonl = Path.Combine(home.Path, "out.jsonl");
        using (var sink = new JsonLinesSink(jsonl))
        {
            SinkReplay.Replay(store, runId, sink);
        }

        var scalars = File.ReadLines(jsonl).Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("type").GetString() == "scalar").ToList();
        Assert.Equal("NaN", scalars[1].GetProperty("value").GetString());
        Assert.Equal("-Infinity", scalars[3].GetProperty("value").GetString());
    }

    [Fact]
    public void A_torn_last_line_is_cut_and_the_missing_events_are_delivered_again()
    {
        using var home = new TemporaryDirectory();
        var runId = RecordRun(home.Path, [1, 2, 3]);
        var store = new RunStore(home.Path);
        var jsonl = Path.Combine(home.Path, "out.jsonl");
        using (var sink = new JsonLinesSink(jsonl))
        {
            SinkReplay.Replay(store, runId, sink);
        }

        var full = File.ReadAllText(jsonl);
        File.WriteAllText(jsonl, full[..^20]); // a crash in the middle of the last line
        File.Delete(jsonl + ".cursors.json");

        using (var sink = new JsonLinesSink(jsonl))
        {
            SinkReplay.Replay(store, runId, sink);
        }

        Assert.Equal(full, File.ReadAllText(jsonl));
    }

    [Fact]
    public void Rebuilding_the_index_from_the_WALs_gives_every_run_and_event()
    {
        using var home = new TemporaryDirectory();
        var first = RecordRun(home.Path, [1, 2]);
        var second = RecordRun(home.Path, [3]);
        var store = new RunStore(home.Path);
        var expected = store.ReadEvents(first).Count() + store.ReadEvents(second).Count();

        var updated = RunIndex.Update(store);
        var rebuilt = RunIndex.Rebuild(store);
        var again = RunIndex.Update(store);

        Assert.Equal((2, expected), (updated.Runs, (int)updated.Events));
        Assert.Equal((2, expected), (rebuilt.Runs, (int)rebuilt.Events));
        Assert.Equal(0, again.Events);
        Assert.Empty(rebuilt.Problems);
        using var index = new SqliteIndexSink(RunIndex.PathOf(home.Path));
        Assert.Equal((long)expected, IndexChecks.StoredCount(index));
        IndexChecks.AssertHoldsTheLog(index, store, first);
        IndexChecks.AssertHoldsTheLog(index, store, second);
        Assert.Equal("finished", index.QueryScalar("SELECT status FROM runs WHERE run_id = $run;", ("$run", first)));
        Assert.Equal("ok", index.QueryScalar("PRAGMA integrity_check;"));
        Assert.False(File.Exists(RunIndex.PathOf(home.Path) + ".rebuild-" + Environment.ProcessId));
    }

    [Fact]
    public void A_file_that_is_not_an_index_is_refused_clearly()
    {
        using var home = new TemporaryDirectory();
        var path = Path.Combine(home.Path, "index.db");
        File.WriteAllText(path, "this is not a database, just text that is long enough to look like a header....");

        var error = Assert.Throws<InvalidDataException>(() => new SqliteIndexSink(path));

        Assert.Contains("not a Repro index", error.Message, StringComparison.Ordinal);
    }

    private static string RecordRun(string home, double[] values)
    {
        using var run = Run.Start(new RunOptions { Home = home });
        for (var step = 0; step < values.Length; step++)
        {
            run.LogScalar(s_loss, step, values[step]);
        }

        run.LogText("done");
        Thread.Sleep(2);
        return run.Id.ToString();
    }
}
