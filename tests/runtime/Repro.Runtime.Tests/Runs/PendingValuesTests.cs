using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Runs;

/// <summary>
/// Values logged before their numbers are known (IPendingMetricValues): a flush resolves them first, the end
/// resolves them before the last event, and values the end has to give up are said to be missing, in the run.
/// </summary>
[Collection(SequentialRuns.Name)]
public class PendingValuesTests
{
    private static readonly MetricDeclaration s_metric = new("pending/value");

    [Fact]
    public void A_flush_logs_pending_values_before_it_returns()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero });
        var source = new ResolvesOnRequest(run, [1.5, 2.5, 3.5]);
        run.AddPendingValues(source);
        run.AddPendingValues(source); // registering twice asks once

        Assert.True(run.Flush());

        Assert.Equal(1, source.Resolutions);
        var values = new RunStore(home.Path).ReadEvents(run.Id.ToString()).Where(e => e.Name == s_metric.Name && e.ValueCase == Event.ValueOneofCase.Scalar).Select(e => e.Scalar.Value);
        Assert.Equal([1.5, 2.5, 3.5], values);
    }

    [Fact]
    public void Values_given_up_at_the_end_are_reported_in_the_run_before_its_last_event()
    {
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            run.AddPendingValues(new NeverResolves(abandoned: 3));
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        var warning = Assert.Single(events, e => e.ValueCase == Event.ValueOneofCase.Text && e.Text.Message.Contains("still being computed", StringComparison.Ordinal));
        Assert.Equal(Text.Types.Level.Warning, warning.Text.Level);
        Assert.StartsWith("3 logged metric value(s)", warning.Text.Message, StringComparison.Ordinal);
        Assert.Equal(Event.ValueOneofCase.Lifecycle, events[^1].ValueCase);
        Assert.True(events.IndexOf(warning) < events.Count - 1);
    }

    [Fact]
    public void A_source_cannot_be_added_to_an_ended_run()
    {
        using var home = new TemporaryDirectory();
        var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero });
        run.Finish();

        Assert.Throws<InvalidOperationException>(() => run.AddPendingValues(new NeverResolves(0)));
        using var another = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero });
        Assert.Throws<ArgumentNullException>(() => another.AddPendingValues(null!));
    }

    private sealed class ResolvesOnRequest(Run run, double[] values) : IPendingMetricValues
    {
        private int _next;

        public int Resolutions { get; private set; }

        public bool ResolvePending(TimeSpan timeout)
        {
            Resolutions++;
            for (; _next < values.Length; _next++)
            {
                run.LogScalar(s_metric, _next, values[_next]);
            }

            return true;
        }

        public long Abandon() => 0;
    }

    private sealed class NeverResolves(long abandoned) : IPendingMetricValues
    {
        public bool ResolvePending(TimeSpan timeout) => false;

        public long Abandon() => abandoned;
    }
}
