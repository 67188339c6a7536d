using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Cli.Commands;

/// <summary><c>repro watch &lt;run&gt;</c>: follows a live run in the terminal (last values, rates, alerts) until it ends.</summary>
internal static class WatchCommand
{
    public static Command Create(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id, a unique beginning of it, or 'latest'." };
        var interval = new Option<double>("--interval") { Description = "Seconds between status lines (default 2).", DefaultValueFactory = _ => 2 };
        var watch = new Command("watch", "Follow a run as it goes: a status line of every metric's last value, step and rate each interval, every alert as it fires, and a summary when the run ends (in the local home).") { runId, interval };
        watch.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var seconds = parse.GetValue(interval);
            if (!(seconds is >= 0.05 and <= 3600))
            {
                throw new ArgumentException("--interval takes seconds from 0.05 to 3600.");
            }

            return Watch(context, context.RunId(parse.GetValue(runId)!), TimeSpan.FromSeconds(seconds));
        }));
        return watch;
    }

    private static int Watch(CommandContext context, string id, TimeSpan interval)
    {
        var manifest = context.Store.GetRun(id);
        context.Output.WriteLine($"Watching run {id}{(manifest.Name.Length > 0 ? $" ({manifest.Name})" : "")}, started {manifest.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; it ends when the run does (Ctrl+C stops watching).");
        var metrics = new SortedDictionary<string, MetricState>(StringComparer.Ordinal);
        var alerts = 0;
        var events = 0L;
        var sinceStatus = Stopwatch.StartNew();
        var corruption = RunFollower.Follow(context, id, TimeSpan.FromMilliseconds(Math.Min(250, interval.TotalMilliseconds)), fresh =>
        {
            events += fresh.Count;
            foreach (var evt in fresh)
            {
                switch (evt.ValueCase)
                {
                    case Event.ValueOneofCase.Scalar:
                        Observe(metrics, evt.Name, evt.Step, evt.Scalar.HasIntValue ? evt.Scalar.IntValue : evt.Scalar.Value, 1);
                        break;
                    case Event.ValueOneofCase.Aggregate when !evt.IntervalOpen:
                        Observe(metrics, evt.Name, evt.Aggregate.LastStep, evt.Aggregate.Mean, (long)(evt.Aggregate.Count + evt.Aggregate.NanCount));
                        break;
                    case Event.ValueOneofCase.Alert:
                        alerts++;
                        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ALERT {evt.Alert.Kind} at step {evt.Step}: {evt.Alert.Message}"));
                        break;
                }
            }
        }, () =>
        {
            if (sinceStatus.Elapsed >= interval)
            {
                Status(context, metrics, sinceStatus.Elapsed, final: false);
                sinceStatus.Restart();
            }

            context.Output.Flush();
        });

        Status(context, metrics, sinceStatus.Elapsed, final: true);
        var ended = context.Store.GetRun(id);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Run {id} {ended.Status.ToString().ToLowerInvariant()}{(ended.Failure is { } failure ? $": {failure}" : "")}; {events} events, {alerts} alert(s)."));
        return corruption is null ? ExitCodes.Success : RunFollower.Damaged(context, corruption);
    }

    private static void Observe(SortedDictionary<string, MetricState> metrics, string name, long step, double value, long values)
    {
        if (!metrics.TryGetValue(name, out var state))
        {
            metrics[name] = state = new MetricState();
        }

        state.Step = step;
        state.Value = value;
        state.Values += values;
    }

    /// <summary>One line: each metric's last value at its step, how many values so far, and the rate since the last line.</summary>
    private static void Status(CommandContext context, SortedDictionary<string, MetricState> metrics, TimeSpan elapsed, bool final)
    {
        if (metrics.Count == 0)
        {
            context.Output.WriteLine(final ? "No metric was logged." : "No metric logged yet.");
            return;
        }

        var parts = metrics.Select(m =>
        {
            var rate = elapsed.TotalSeconds > 0 ? (m.Value.Values - m.Value.ValuesAtLastStatus) / elapsed.TotalSeconds : 0;
            m.Value.ValuesAtLastStatus = m.Value.Values;
            return string.Create(CultureInfo.InvariantCulture,
                $"{m.Key}={m.Value.Value:G6} @ step {m.Value.Step} ({m.Value.Values:N0} values{(final ? "" : $", {rate:0.#}/s")})");
        });
        context.Output.WriteLine((final ? "Last: " : "") + string.Join("  ", parts));
    }

    private sealed class MetricState
    {
        public long Step { get; set; }

        public double Value { get; set; }

        public long Values { get; set; }

        public long ValuesAtLastStatus { get; set; }
    }
}
