using System.Globalization;
using Repro;
using Repro.Artifacts;
using Repro.Storage;
using Repro.Storage.Maintenance;

// HomeFiller <home> <runs> <scalars-per-run> <checkpoint-bytes> <deleted-fraction>
// Records <runs> real runs into <home>, each with <scalars-per-run> scalars and one checkpoint of its own random
// bytes, then moves every run whose index falls in <deleted-fraction> to the trash (as `repro runs delete` does) and
// backdates every stored object by two days, so a gc with trash_days = 0 removes those runs and their checkpoints.
var home = args[0];
var runs = int.Parse(args[1], CultureInfo.InvariantCulture);
var scalars = int.Parse(args[2], CultureInfo.InvariantCulture);
var checkpointBytes = int.Parse(args[3], CultureInfo.InvariantCulture);
var deletedFraction = double.Parse(args[4], CultureInfo.InvariantCulture);
var loss = new MetricDeclaration("loss");
var random = new Random(20261206);
var checkpoint = Path.Combine(Path.GetTempPath(), $"home-filler-{Environment.ProcessId}.bin");
var ids = new List<string>(runs);
for (var i = 0; i < runs; i++)
{
    using (var run = Run.Start(new RunOptions { Home = home, Name = $"run-{i}", TelemetryInterval = TimeSpan.Zero }))
    {
        for (var step = 0; step < scalars; step++)
        {
            run.LogScalar(loss, step, 1.0 / (step + 1));
        }

        var bytes = new byte[checkpointBytes];
        random.NextBytes(bytes);
        File.WriteAllBytes(checkpoint, bytes);
        run.LogArtifact("model", checkpoint, new ArtifactOptions { Kind = ArtifactKind.Checkpoint }).Wait();
        ids.Add(run.Id.ToString());
    }
}

File.Delete(checkpoint);
var store = new RunStore(home);
var deleted = 0;
for (var i = 0; i < runs; i++)
{
    if ((i + 0.5) / runs < deletedFraction)
    {
        RunTrash.Delete(store, ids[i], "benchmark");
        deleted++;
    }
}

var objects = new ContentStore(home);
foreach (var hash in objects.List())
{
    File.SetLastWriteTimeUtc(objects.PathOf(hash), DateTime.UtcNow.AddDays(-2));
}

Console.WriteLine($"{runs} runs, {deleted} in the trash");
