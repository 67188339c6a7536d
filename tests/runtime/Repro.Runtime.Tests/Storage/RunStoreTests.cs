using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;
using Repro.Wal;

namespace Repro.Runtime.Tests.Storage;

[Collection(SequentialRuns.Name)]
public class RunStoreTests
{
    [Fact]
    public void An_empty_home_lists_no_runs() =>
        Assert.Empty(new RunStore(Path.Combine(Path.GetTempPath(), "repro-does-not-exist-" + Guid.NewGuid())).ListRuns());

    [Fact]
    public void Runs_are_listed_newest_first_and_unreadable_ones_are_reported()
    {
        using var home = new TemporaryDirectory();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var run = Run.Start(new RunOptions { Home = home.Path, Name = $"run{i}" });
            ids.Add(run.Id.ToString());
            Thread.Sleep(2); // distinct ULID timestamps
        }

        var broken = Path.Combine(home.Path, "runs", "01ZZZZZZZZZZZZZZZZZZZZZZZZ");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "manifest.json"), "{ not json");
        var unreadable = new List<string>();

        var runs = new RunStore(home.Path).ListRuns((folder, _) => unreadable.Add(folder));

        Assert.Equal(ids.AsEnumerable().Reverse(), runs.Select(r => r.RunId));
        Assert.Equal([broken], unreadable);
    }

    [Theory]
    [InlineData("not-a-ulid")]
    [InlineData("01M8CS53VMDSF5MQWKRC2VHBT")]
    [InlineData("../../etc/passwd")]
    public void Malformed_run_ids_are_refused_with_a_clear_message(string runId)
    {
        using var home = new TemporaryDirectory();

        var error = Assert.Throws<ArgumentException>(() => new RunStore(home.Path).GetRun(runId));

        Assert.Contains("is not a run id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_run_is_reported_as_not_found()
    {
        using var home = new TemporaryDirectory();

        var error = Assert.Throws<RunNotFoundException>(() => new RunStore(home.Path).GetRun("01M8CS53VMDSF5MQWKRC2VHBTE"));

        Assert.Equal("01M8CS53VMDSF5MQWKRC2VHBTE", error.RunId);
    }

    [Fact]
    public void A_manifest_from_a_newer_Repro_is_refused_clearly()
    {
        var json = RunManifestJson.Serialize(new RunManifest
        {
            RunId = "01M8CS53VMDSF5MQWKRC2VHBTE",
            Name = "x",
            Status = RunStatus.Finished,
            StartedAt = DateTimeOffset.UnixEpoch,
            Build = Repro.Provenance.BuildStamp.None,
            Environment = RunEnvironment.Capture(),
        }).Replace("\"schemaVersion\": 1", "\"schemaVersion\": 99", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => RunManifestJson.Deserialize(json, "m.json"));

        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_events_stops_at_a_torn_tail_and_reports_it()
    {
        using var home = new TemporaryDirectory();
        string runId;
        string segment;
        using (var run = Run.Start(new RunOptions { Home = home.Path }))
        {
            runId = run.Id.ToString();
            run.LogScalar(new MetricDeclaration("loss"), 1, 0.5);
            segment = Path.Combine(run.Directory, "wal", "00000001.log");
        }

        var length = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(length - 3);
        }

        WalCorruption? corruption = null;
        var events = new RunStore(home.Path).ReadEvents(runId, c => corruption = c).ToList();

        Assert.Equal(3, events.Count); // started, declared, scalar: the torn "finished" record is not returned
        Assert.NotNull(corruption);
        Assert.True(corruption.IsTail);
        Assert.Equal(segment, corruption.SegmentPath);
    }
}
