using System.Diagnostics;
using System.Globalization;
using Repro;
using Repro.Samples.Moons;
using Repro.Serving;
using Repro.TorchSharp.Lineage;
using Repro.TorchSharp.Seeding;
using static TorchSharp.torch;

// Serves the moons classifier a training run produced: loads its best checkpoint through Repro (every byte checked
// against the SHA-256 the run recorded), answers requests from a load generator on several threads, and records
// each request with InferenceLogger into a serving run of its own. After --shift-after requests the generator moves
// every point's x by --shift, as a changed world would: `repro drift <training> <serving>` then flags features/x.
// Usage: Repro.Samples.MoonsServing <training-run> [--requests 4000] [--shift-after 2000] [--shift 0.8]
//        [--threads 4] [--flush-every 0] [--seed 7]
if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: Repro.Samples.MoonsServing <training-run> [--requests N] [--shift-after N] [--shift X] [--threads N] [--flush-every N] [--seed N]");
    return 2;
}

var options = Options(args.Skip(1).ToArray());
var requests = (long)Option("requests", 4000);
var shiftAfter = (long)Option("shift-after", requests / 2);
var shift = Option("shift", 0.8);
var threads = (int)Option("threads", 4);
var flushEvery = (long)Option("flush-every", 0);
var seed = (int)Option("seed", 7);

var training = new Repro.Storage.RunStore(Repro.Storage.ReproHome.Resolve()).GetRun(args[0]);
var hidden = training.Hyperparameters?.GetProperty("hidden_units").GetInt32() ?? 32;
// The checkpoint replaces every weight, but the layers draw initial ones first: seeded, as REPRO1008 asks.
TorchSeeds.ManualSeed(seed);
var model = nn.Sequential(
    ("hidden1", nn.Linear(2, hidden)),
    ("tanh1", nn.Tanh()),
    ("hidden2", nn.Linear(hidden, hidden)),
    ("tanh2", nn.Tanh()),
    ("output", nn.Linear(hidden, 2)));
var checkpoint = model.LoadCheckpoint(training.RunId, "best/validation/accuracy");
model.eval();

using var run = Run.Start(new RunOptions
{
    Name = "moons-serving",
    Tags = new Dictionary<string, string> { ["role"] = "serving", ["model.run"] = training.RunId },
});
using var telemetry = new InferenceLogger(run, new InferenceLoggerOptions
{
    Features = MoonsFeatures.Inputs,
    Outputs = MoonsFeatures.Outputs,
    ModelSha256 = checkpoint.Sha256,
    ModelRunId = training.RunId,
    SampleEvery = 100,
});
Console.WriteLine($"Serving {checkpoint.Name} ({checkpoint.Sha256}) from run {training.RunId} in run {run.Id}.");

long next = 0;
var gate = new Lock();
var workers = Enumerable.Range(0, threads).Select(worker => new Thread(() =>
{
    var random = new Random(seed * 1000 + worker);
    while (true)
    {
        var request = Interlocked.Increment(ref next);
        if (request > requests)
        {
            return;
        }

        // A point from the same two moons, moved along x once the world has changed.
        var upper = random.Next(2) == 0;
        var angle = Math.PI * random.NextDouble();
        var x = (upper ? Math.Cos(angle) : 1 - Math.Cos(angle)) + (0.15 * Gaussian(random)) + (request > shiftAfter ? shift : 0);
        var y = (upper ? Math.Sin(angle) : 0.5 - Math.Sin(angle)) + (0.15 * Gaussian(random));
        var started = Stopwatch.GetTimestamp();
        float confidence;
        lock (gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            confidence = nn.functional.softmax(model.forward(tensor(new[] { (float)x, (float)y }, [1, 2])), 1).max().item<float>();
        }

        telemetry.Record(Stopwatch.GetElapsedTime(started), [confidence], [x, y]);
        if (flushEvery > 0 && request % flushEvery == 0)
        {
            // Counted before the flush: every request recorded by then is in the log once it returns.
            var recorded = telemetry.Requests;
            if (run.Flush())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FLUSHED {recorded}"));
            }
        }
    }
})).ToList();
workers.ForEach(w => w.Start());
workers.ForEach(w => w.Join());

telemetry.Dispose();
run.Finish();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Served {telemetry.Requests} requests; run {run.Id} finished."));
Console.WriteLine($"Drift:     dotnet run --project tools/Repro.Cli -- drift {training.RunId} {run.Id}");
return 0;

double Option(string name, double fallback) =>
    options.TryGetValue(name, out var text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

static Dictionary<string, string> Options(string[] rest)
{
    var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < rest.Length; i += 2)
    {
        parsed[rest[i].TrimStart('-')] = rest[i + 1];
    }

    return parsed;
}

static double Gaussian(Random random) =>
    Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
