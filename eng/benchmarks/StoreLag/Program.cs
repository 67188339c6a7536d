using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Repro;
using Repro.Storage;

// Usage: StoreLag <store-url> <scalars-per-second> <seconds>: a training loop logging four metrics at a steady rate in
// 10 ms ticks, shipped live to the store (RunOptions.Store, default interval). Every 100 ms it reads the store's
// cursor and prints how stale the store is: the age of the oldest event logged but not yet stored (0 when caught up).
var url = args[0];
var rate = double.Parse(args[1], CultureInfo.InvariantCulture);
var seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
string[] names = ["loss", "accuracy", "grad_norm", "learning_rate"];
var metrics = names.Select(n => new MetricDeclaration(n)).ToArray();
var run = Run.Start(new RunOptions { Name = "store-lag", TelemetryInterval = TimeSpan.Zero, Store = url });
run.Flush();
var home = new RunStore(Path.GetDirectoryName(Path.GetDirectoryName(run.Directory))!);
var offset = (long)home.LastSequenceInLog(run.Id.ToString());
var clock = Stopwatch.StartNew();
var ticks = new List<(long LastSequence, double At)>();
var staleness = new List<double>();
using var stop = new CancellationTokenSource();
var address = new Uri(url);
var database = $"Host={address.Host};Port={address.Port};Username={address.UserInfo};Database={address.AbsolutePath.TrimStart('/')};Pooling=false";
var sampler = new Thread(() =>
{
    using var db = new NpgsqlConnection(database);
    db.Open();
    while (!stop.IsCancellationRequested)
    {
        Thread.Sleep(100);
        using var command = new NpgsqlCommand("SELECT coalesce(max(sequence), 0) FROM repro.ship_cursors WHERE run_id = @run", db);
        command.Parameters.AddWithValue("run", run.Id.ToString());
        var cursor = (long)command.ExecuteScalar()!;
        var now = clock.Elapsed.TotalMilliseconds;
        lock (ticks)
        {
            var oldestMissing = ticks.FirstOrDefault(t => t.LastSequence > cursor);
            staleness.Add(oldestMissing == default ? 0 : now - (oldestMissing.At - 10));
        }
    }
}) { IsBackground = true };
sampler.Start();
long logged = 0;
long step = 0;
while (clock.Elapsed.TotalSeconds < seconds)
{
    var due = (long)(clock.Elapsed.TotalSeconds * rate);
    for (; logged < due; logged++)
    {
        run.LogScalar(metrics[logged % metrics.Length], step, Math.Sin(step * 1e-3));
        if (logged % metrics.Length == metrics.Length - 1)
        {
            step++;
        }
    }

    lock (ticks)
    {
        ticks.Add((offset + logged, clock.Elapsed.TotalMilliseconds));
    }

    Thread.Sleep(10);
}

stop.Cancel();
sampler.Join();
run.Finish();
using (var db = new NpgsqlConnection(database))
{
    db.Open();
    using var rows = new NpgsqlCommand("SELECT count(*), sum(cardinality(vals)), sum(pg_column_size(s.*)) FROM repro.scalars s WHERE run_id = @run", db);
    rows.Parameters.AddWithValue("run", run.Id.ToString());
    using var reader = rows.ExecuteReader();
    reader.Read();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"rows: {reader.GetInt64(0)} holding {reader.GetInt64(1)} scalars ({(double)reader.GetInt64(1) / reader.GetInt64(0):0.0} a row), {(double)reader.GetInt64(2) / reader.GetInt64(1):0.0} bytes of row data a scalar"));
}

var sorted = staleness.OrderBy(v => v).ToList();
double Percentile(double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"rate {rate:0} scalars/s for {seconds:0} s ({logged} scalars): store staleness p50 {Percentile(0.5):0} ms, p99 {Percentile(0.99):0} ms, max {sorted[^1]:0} ms over {sorted.Count} samples"));
