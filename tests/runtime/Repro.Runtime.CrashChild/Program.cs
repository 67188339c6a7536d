using System.Globalization;
using Repro;
using Repro.Storage;

// Modes:
//   log <home> <flushEvery>   log scalars (step = value = i) as fast as possible; after every
//                             <flushEvery> scalars call Flush() and print "ACK <last step>". Runs until killed.
//   finish <home> <count>     log <count> scalars from two threads, then finish normally.
//   status <home> <run-id>    print the status another process sees for a run.
//   index <home>              bring the home's SQLite index up to date.
//   unhandled <home>          start a run, log, then die of an unhandled exception.
//   exit <home>               start a run, log, then Environment.Exit(3) without finishing it.
//   summary <home> <flushEvery> like log, into four summarised metrics (statistics, last, histogram,
//                             sketch) whose interval never closes, so only Flush's snapshots hold them.
//   fill <home>               log until the writer fails (start it under a file size limit), keep
//                             logging, flush, finish; print what each step saw.
//   soak <home> <flushEvery> <seed> every metric kind at full speed (raw scalars, statistics, last,
//                             histogram, sketch, integers, text), a Flush every <flushEvery> steps, "ACK <step>"
//                             after each; eng/soak kills it at random and checks what survived.
//   upload <home> <endpoint> <store> <file>  with the remote store set as a user sets it (REPRO_ARTIFACT_STORE,
//                             AWS_ENDPOINT_URL_S3), log <file> as a checkpoint, print "QUEUED <sha256>" once it is
//                             stored locally, then wait to be killed (the uploads retry in the background meanwhile).
//   resume <home> <endpoint> <store>  start a run with the same store, wait until the uploads earlier processes left
//                             are done, print "PENDING <count>", finish.
//   rank <home> <store> <job> <rank> <world> <seconds>  one rank of a distributed job, shipped live to the store.
//   ship <home> <store> <run-id> <batch>  ship a run in small batches, printing "COMMITTED <cursor>" after each.
//   gc <home> <days-ahead> <kill-after-us>  apply the default retention policy as if <days-ahead> days had passed,
//                             printing "ITEM <n> <µs>" as each step begins and "DONE <µs>" at the end (times since it started); unless <kill-after-us>
//                             is 0, SIGKILL this process that many microseconds after gc starts (the gc kill test).
//   recover-die <home> <run-id> <step>  open a crashed run, and SIGKILL this process right after
//                             recovery's <step> ("evidence", "truncated", "appended", "manifest").
var mode = args[0];
var home = args[1];
var metric = new MetricDeclaration("value");
switch (mode)
{
    case "log":
    {
        var flushEvery = int.Parse(args[2], CultureInfo.InvariantCulture);
        var run = Run.Start(new RunOptions { Home = home, Name = "crash-child" });
        Console.WriteLine($"RUN {run.Id}");
        for (long i = 0; ; i++)
        {
            run.LogScalar(metric, i, i);
            if ((i + 1) % flushEvery == 0)
            {
                run.Flush();
                Console.WriteLine($"ACK {i}");
            }
        }
    }

    case "finish":
    {
        var count = int.Parse(args[2], CultureInfo.InvariantCulture);
        using var run = Run.Start(new RunOptions { Home = home, Name = "concurrent-child" });
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            for (var i = t; i < count; i += 2)
            {
                run.LogScalar(metric, i, i);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Console.WriteLine($"RUN {run.Id}");
        return 0;
    }

    case "gc":
    {
        var ahead = double.Parse(args[2], CultureInfo.InvariantCulture);
        var killAfter = TimeSpan.FromMicroseconds(long.Parse(args[3], CultureInfo.InvariantCulture));
        var started = System.Diagnostics.Stopwatch.StartNew();
        if (killAfter > TimeSpan.Zero)
        {
            // A thread of its own spins to the moment, so the kill lands anywhere, inside a step as well as between steps.
            new Thread(() =>
            {
                while (started.Elapsed < killAfter)
                {
                    Thread.SpinWait(50);
                }

                System.Diagnostics.Process.GetCurrentProcess().Kill();
            }) { IsBackground = true, Priority = ThreadPriority.Highest }.Start();
        }

        Repro.Storage.Maintenance.GarbageCollector.Collect(new RunStore(home), new Repro.Storage.Maintenance.RetentionPolicy(), DateTimeOffset.UtcNow.AddDays(ahead), new PrintedProgress(started));
        Console.WriteLine($"DONE {(long)started.Elapsed.TotalMicroseconds}");
        return 0;
    }

    case "index":
        var report = RunIndex.Update(new RunStore(home));
        Console.WriteLine($"INDEXED {report.Runs} {report.Events}");
        return report.Problems.Count == 0 ? 0 : 1;

    case "index-loop":
    case "rebuild-loop":
    {
        // index-loop|rebuild-loop <home> <times>: update (or rebuild) the index again and again.
        var times = int.Parse(args[2], CultureInfo.InvariantCulture);
        for (var i = 0; i < times; i++)
        {
            var result = mode == "index-loop" ? RunIndex.Update(new RunStore(home)) : RunIndex.Rebuild(new RunStore(home));
            if (result.Problems.Count > 0)
            {
                return 1;
            }
        }

        Console.WriteLine("LOOPED");
        return 0;
    }

    case "unhandled":
    {
        var run = Run.Start(new RunOptions { Home = home, Name = "unhandled-child" });
        Console.WriteLine($"RUN {run.Id}");
        run.LogScalar(metric, 1, 1);
        throw new InvalidOperationException("the loss became NaN at step 1");
    }

    case "exit":
    {
        var run = Run.Start(new RunOptions { Home = home, Name = "exit-child" });
        Console.WriteLine($"RUN {run.Id}");
        run.LogScalar(metric, 1, 1);
        Environment.Exit(3);
        return 3;
    }

    case "summary":
    {
        var flushEvery = int.Parse(args[2], CultureInfo.InvariantCulture);
        var never = 1L << 40;
        MetricDeclaration[] metrics =
        [
            new("stats", options: new MetricOptions { Aggregation = MetricAggregation.Statistics, IntervalSteps = never, RecordValues = false }),
            new("last", options: new MetricOptions { Aggregation = MetricAggregation.Last, IntervalSteps = never }),
            new("hist", options: new MetricOptions { Aggregation = MetricAggregation.Histogram, IntervalSteps = never, RecordValues = false, HistogramBounds = [10, 1000, 100_000] }),
            new("sketch", options: new MetricOptions { Aggregation = MetricAggregation.Sketch, IntervalSteps = never, RecordValues = false }),
        ];
        var run = Run.Start(new RunOptions { Home = home, Name = "summary-child" });
        Console.WriteLine($"RUN {run.Id}");
        for (long i = 0; ; i++)
        {
            foreach (var m in metrics)
            {
                run.LogScalar(m, i, i);
            }

            if ((i + 1) % flushEvery == 0)
            {
                if (!run.Flush())
                {
                    return 4;
                }

                Console.WriteLine($"ACK {i}");
            }
        }
    }

    case "soak":
    {
        var flushEvery = int.Parse(args[2], CultureInfo.InvariantCulture);
        var random = new Random(int.Parse(args[3], CultureInfo.InvariantCulture));
        var interval = random.Next(50, 5000);
        var raw = new MetricDeclaration("raw");
        var counter = new MetricDeclaration("counter", valueType: MetricValueType.Int64);
        MetricDeclaration[] summarised =
        [
            new("stats", options: new MetricOptions { Aggregation = MetricAggregation.Statistics, IntervalSteps = interval, RecordValues = false }),
            new("last", options: new MetricOptions { Aggregation = MetricAggregation.Last, IntervalSteps = interval }),
            new("hist", options: new MetricOptions { Aggregation = MetricAggregation.Histogram, IntervalSteps = interval, RecordValues = false, HistogramBounds = [100, 10_000] }),
            new("sketch", options: new MetricOptions { Aggregation = MetricAggregation.Sketch, IntervalSteps = interval, RecordValues = false }),
        ];
        var run = Run.Start(new RunOptions { Home = home, Name = "soak-child", WarningsToStandardError = false });
        Console.WriteLine($"RUN {run.Id} {interval}");
        for (long i = 0; ; i++)
        {
            run.LogScalar(raw, i, i);
            run.LogInteger(counter, i, i * 3);
            foreach (var m in summarised)
            {
                run.LogScalar(m, i, i);
            }

            if (i % 1000 == 0)
            {
                run.LogText($"step {i}");
            }

            if ((i + 1) % flushEvery == 0)
            {
                if (!run.Flush())
                {
                    return 4;
                }

                Console.WriteLine($"ACK {i}");
            }
        }
    }

    case "fill":
    {
        var run = Run.Start(new RunOptions { Home = home, Name = "fill-child" });
        Console.WriteLine($"RUN {run.Id}");
        long i = 0;
        for (; run.WriterFailure is null && i < 200_000_000; i++)
        {
            run.LogScalar(metric, i, i);
            if (i % 10_000 == 0)
            {
                run.Flush();
            }
        }

        Console.WriteLine($"FAULT {i} {run.WriterFailure?.GetType().Name}");
        for (var j = 0; j < 1_000_000; j++)
        {
            run.LogScalar(metric, i + j, j);
        }

        run.LogText("still training");
        Console.WriteLine($"FLUSH {run.Flush()} {run.FlushDurable()}");
        run.Finish();
        Console.WriteLine("ENDED");
        return 0;
    }

    case "recover-die":
    {
        var step = args[3];
        Repro.Storage.RunRecovery.StepCompleted = s =>
        {
            if (s == step)
            {
                Console.WriteLine($"DIE {s}");
                Console.Out.Flush();
                System.Diagnostics.Process.GetCurrentProcess().Kill();
            }
        };
        Console.WriteLine(new RunStore(home).GetRun(args[2]).Status.ToString());
        return 0;
    }

    case "upload":
    {
        UseRemoteStore(args[2], args[3]);
        var run = Run.Start(new RunOptions { Home = home, Name = "upload-child", TelemetryInterval = TimeSpan.Zero });
        Console.WriteLine($"RUN {run.Id}");
        var record = run.LogArtifact("model", args[4], new Repro.Artifacts.ArtifactOptions { Kind = Repro.Artifacts.ArtifactKind.Checkpoint }).Wait();
        Console.WriteLine($"QUEUED {record.Sha256}");
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    case "resume":
    {
        UseRemoteStore(args[2], args[3]);
        using var run = Run.Start(new RunOptions { Home = home, Name = "resume-child", TelemetryInterval = TimeSpan.Zero });
        Console.WriteLine($"RUN {run.Id}");
        run.Uploader!.WaitIdle(TimeSpan.FromSeconds(60));
        Console.WriteLine($"PENDING {run.Uploader.Pending}");
        return 0;
    }

    case "status":
        Console.WriteLine(new RunStore(home).GetRun(args[2]).Status.ToString());
        return 0;

    case "rank":
    {
        // rank <home> <store> <job> <rank> <world-size> <seconds>: one rank of a distributed job, set up as a launcher
        // and a user set it up (REPRO_STORE, REPRO_JOB_ID, RANK, WORLD_SIZE in the environment), logging two metrics and a
        // text line now and then for <seconds>, then finishing; the store is fed live by the run's shipper.
        Environment.SetEnvironmentVariable("REPRO_STORE", args[2]);
        Environment.SetEnvironmentVariable("REPRO_JOB_ID", args[3]);
        Environment.SetEnvironmentVariable("RANK", args[4]);
        Environment.SetEnvironmentVariable("WORLD_SIZE", args[5]);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(double.Parse(args[6], CultureInfo.InvariantCulture));
        using var run = Run.Start(new RunOptions { Home = home, Name = "rank-child", TelemetryInterval = TimeSpan.Zero, StoreShipInterval = TimeSpan.FromMilliseconds(200), StoreShipGrace = TimeSpan.FromSeconds(60) });
        Console.WriteLine($"RUN {run.Id}");
        var accuracy = new MetricDeclaration("accuracy");
        for (long step = 0; DateTime.UtcNow < until; step++)
        {
            run.LogScalar(metric, step, Math.Exp(-step / 1000.0));
            run.LogScalar(accuracy, step, step % 997 / 997.0);
            if (step % 100 == 0)
            {
                run.LogText($"rank {args[4]} at step {step}", Repro.Events.Text.Types.Level.Information, step, null);
                Thread.Sleep(5);
            }
        }

        run.Finish();
        return 0;
    }

    case "ship":
    {
        // ship <home> <store> <run-id> <batch>: ship one run with small batches, printing "COMMITTED <cursor>" after each
        // committed batch, so a test can SIGKILL it between or in the middle of batches.
        using var shipper = new Repro.Storage.Postgres.PostgresShipper(Repro.Storage.Postgres.PostgresStoreAddress.Parse(args[2]), new RunStore(home), int.Parse(args[4], CultureInfo.InvariantCulture))
        {
            OnCommitted = (_, cursor) => Console.WriteLine($"COMMITTED {cursor}"),
        };
        Console.WriteLine($"RUN {args[3]}");
        var result = shipper.Ship(args[3]);
        Console.WriteLine($"SHIPPED {result.Cursor}");
        return 0;
    }

    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 2;
}

static void UseRemoteStore(string endpoint, string store)
{
    Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", endpoint);
    Environment.SetEnvironmentVariable("REPRO_ARTIFACT_STORE", store);
}

/// <summary>Prints each gc step as it begins, on the gc's own thread (Progress&lt;T&gt; would post it later).</summary>
internal sealed class PrintedProgress(System.Diagnostics.Stopwatch started) : IProgress<Repro.Storage.Maintenance.GcProgress>
{
    public void Report(Repro.Storage.Maintenance.GcProgress value) => Console.WriteLine($"ITEM {value.Done} {(long)started.Elapsed.TotalMicroseconds}");
}
