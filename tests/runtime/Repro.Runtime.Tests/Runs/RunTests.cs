using Repro.Events;
using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Runs;

[Collection(SequentialRuns.Name)]
public class RunTests
{
    private static readonly MetricDeclaration s_loss = new("loss");

    [Fact]
    public void Start_creates_an_owner_only_run_folder_with_a_running_manifest()
    {
        using var home = new TemporaryDirectory();
        var root = home.Combine("nested", "home");
        using var run = Run.Start(new RunOptions { Home = root, Name = "unit" });

        Assert.Same(run, Run.Current);
        Assert.Equal(Path.Combine(root, "runs", run.Id.ToString()), run.Directory);
        var manifest = RunManifestJson.Read(Path.Combine(run.Directory, "manifest.json"));
        Assert.Equal(RunStatus.Running, manifest.Status);
        Assert.Equal("unit", manifest.Name);
        Assert.Equal(run.Id.ToString(), manifest.RunId);
        Assert.Equal(Environment.ProcessId, manifest.Environment.ProcessId);
        if (!OperatingSystem.IsWindows())
        {
            var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            foreach (var folder in new[] { root, Path.Combine(root, "runs"), run.Directory, Path.Combine(run.Directory, "wal") })
            {
                Assert.Equal(ownerOnly, File.GetUnixFileMode(folder));
            }

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(run.Directory, "manifest.json")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(run.Directory, "wal", "00000001.log")));
        }
    }

    [Fact]
    public void Logged_scalars_read_back_in_order_between_start_and_finish_events()
    {
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path }))
        {
            runId = run.Id.ToString();
            for (var step = 0; step < 100; step++)
            {
                run.LogScalar(s_loss, step, 1.0 / (step + 1));
            }
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();

        // started, the metric's declaration, 100 scalars, finished
        Assert.Equal(103, events.Count);
        Assert.Equal(Enumerable.Range(1, 103).Select(i => (ulong)i), events.Select(e => e.Sequence));
        Assert.Equal(Lifecycle.Types.Kind.Started, events[0].Lifecycle.Kind);
        Assert.Equal(("loss", 0u), (events[1].Name, events[1].MetricDeclared.MetricId));
        Assert.Equal(Lifecycle.Types.Kind.Finished, events[^1].Lifecycle.Kind);
        var scalars = events.Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).ToList();
        Assert.All(scalars, e => Assert.Equal("loss", e.Name));
        Assert.Equal(Enumerable.Range(0, 100).Select(s => 1.0 / (s + 1)), scalars.Select(e => e.Scalar.Value));
        Assert.Equal(Enumerable.Range(0, 100).Select(s => (long)s), scalars.Select(e => e.Step));
        Assert.All(events, e => Assert.Equal(runId, new Ulid(e.RunId.Span).ToString()));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public void NaN_and_infinities_are_preserved_bit_for_bit()
    {
        using var home = new TemporaryDirectory();
        var values = new[] { double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_1234), double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon };
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path }))
        {
            runId = run.Id.ToString();
            for (var i = 0; i < values.Length; i++)
            {
                run.LogScalar(s_loss, i, values[i]);
            }
        }

        var read = new RunStore(home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).Select(e => e.Scalar.Value).ToList();

        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), read.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Finish_records_status_end_time_and_last_sequence_and_clears_current()
    {
        using var home = new TemporaryDirectory();
        var run = Run.Start(new RunOptions { Home = home.Path });
        run.LogScalar(s_loss, 0, 1);

        run.Finish();

        Assert.Null(Run.Current);
        var manifest = new RunStore(home.Path).GetRun(run.Id.ToString());
        Assert.Equal(RunStatus.Finished, manifest.Status);
        Assert.Equal(4ul, manifest.LastSequence); // started, declared, scalar, finished
        Assert.NotNull(manifest.EndedAt);
        Assert.True(manifest.EndedAt >= manifest.StartedAt);
        Assert.Throws<InvalidOperationException>(() => run.LogScalar(s_loss, 1, 2));
    }

    [Fact]
    public void Fail_records_the_exception_type_and_message()
    {
        using var home = new TemporaryDirectory();
        var run = Run.Start(new RunOptions { Home = home.Path });

        run.Fail(new InvalidOperationException("loss became NaN"));

        var store = new RunStore(home.Path);
        var manifest = store.GetRun(run.Id.ToString());
        Assert.Equal(RunStatus.Failed, manifest.Status);
        Assert.Equal("System.InvalidOperationException: loss became NaN", manifest.Failure);
        var last = store.ReadEvents(run.Id.ToString()).Last();
        Assert.Equal(Lifecycle.Types.Kind.Failed, last.Lifecycle.Kind);
        Assert.Equal(manifest.Failure, last.Lifecycle.Message);
    }

    [Fact]
    public void A_second_run_cannot_start_while_one_is_active()
    {
        using var home = new TemporaryDirectory();
        using var first = Run.Start(new RunOptions { Home = home.Path });

        var error = Assert.Throws<InvalidOperationException>(() => Run.Start(new RunOptions { Home = home.Path }));

        Assert.Contains(first.Id.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Single(Directory.GetDirectories(Path.Combine(home.Path, "runs")));
    }

    [Fact]
    public void Seeds_are_recorded_in_ordinal_order()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path });

        run.RecordSeed("torch.cpu", 7);
        run.RecordSeed("data.shuffle", 42);

        var manifest = new RunStore(home.Path).GetRun(run.Id.ToString());
        Assert.Equal(["data.shuffle", "torch.cpu"], manifest.Seeds.Keys);
        Assert.Equal(42, manifest.Seeds["data.shuffle"]);
        Assert.Equal(7, manifest.Seeds["torch.cpu"]);
    }
}
