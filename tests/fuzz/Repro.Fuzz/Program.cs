using Repro;
using Repro.Fuzz;
using Repro.Pipeline;
using SharpFuzz;

// Coverage-guided fuzzing of the WAL readers (eng/fuzz/fuzz-wal.sh runs it under AFL++).
//   Repro.Fuzz                  the fuzzing target: one input from AFL per execution
//   Repro.Fuzz --replay DIR     checks every file of DIR (a corpus or AFL's crashes) and says which fail
//   Repro.Fuzz --seeds DIR      writes small, valid segments from real runs as starting inputs
var scratch = Path.Combine(Path.GetTempPath(), $"repro-fuzz-{Environment.ProcessId}");
try
{
    switch (args)
    {
        case ["--replay", var directory]:
            var failures = 0;
            var files = Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToArray();
            foreach (var file in files)
            {
                try
                {
                    WalFuzzTarget.Check(File.ReadAllBytes(file), scratch);
                }
                catch (Exception e)
                {
                    failures++;
                    Console.Error.WriteLine($"{file}: {e}");
                }
            }

            Console.WriteLine($"{files.Length} inputs, {failures} failing");
            return failures == 0 ? 0 : 1;
        case ["--seeds", var directory]:
            WriteSeeds(directory);
            return 0;
        default:
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                WalFuzzTarget.Check(buffer.ToArray(), scratch);
            });
            return 0;
    }
}
finally
{
    if (Directory.Exists(scratch))
    {
        Directory.Delete(scratch, recursive: true);
    }
}

static void WriteSeeds(string directory)
{
    Directory.CreateDirectory(directory);
    var home = Directory.CreateTempSubdirectory("repro-fuzz-seeds-").FullName;
    var loss = new MetricDeclaration("loss", "nats");
    var steps = new MetricDeclaration("tokens", valueType: MetricValueType.Int64);
    var shapes = new (int Steps, bool Text)[] { (0, true), (3, false), (5, true), (40, true) };
    for (var i = 0; i < shapes.Length; i++)
    {
        using (var run = Run.Start(new RunOptions { Home = home, Name = $"seed{i}", HookProcessEvents = false, WarningsToStandardError = false, TelemetryInterval = TimeSpan.Zero, Pipeline = new EventPipelineOptions { MaxBatchSize = 16 } }))
        {
            for (var step = 0; step < shapes[i].Steps; step++)
            {
                run.LogScalar(loss, step, 1.0 / (step + 1));
                run.LogInteger(steps, step, step * 1000L);
            }

            if (shapes[i].Text)
            {
                run.LogText("seed text");
            }

            var wal = Path.Combine(run.Directory, "wal");
            run.Finish();
            File.Copy(Directory.GetFiles(wal).Single(), Path.Combine(directory, $"seed-{i}.log"), overwrite: true);
        }
    }

    Directory.Delete(home, recursive: true);
}
