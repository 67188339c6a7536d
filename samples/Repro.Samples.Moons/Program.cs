using System.Globalization;
using Repro;
using Repro.Samples.Moons;
using Repro.TorchSharp.Seeding;
using TorchSharp;
using static TorchSharp.torch;

// A small classifier on the two-moons dataset, recorded by Repro: run id, build stamp, seed and
// every mini-batch loss land under $REPRO_HOME (default ./.repro).
const int DefaultSeed = 20261126;
const int SampleCount = 1024;
const int BatchSize = 64;
const int Epochs = 25;

var seed = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : DefaultSeed;

using var run = Run.Start(new RunOptions { Name = "moons-classifier" });
try
{
    TorchSeeds.ManualSeed(seed);
    var metrics = new TrainingMetrics();
    var (features, labels) = MoonsDataset.Generate(SampleCount, noise: 0.15, seed);

    var model = nn.Sequential(
        ("hidden1", nn.Linear(2, 32)),
        ("tanh1", nn.Tanh()),
        ("hidden2", nn.Linear(32, 32)),
        ("tanh2", nn.Tanh()),
        ("output", nn.Linear(32, 2)));
    var optimizer = optim.Adam(model.parameters(), lr: 0.01);
    var criterion = nn.CrossEntropyLoss();
    var shuffle = new Generator((ulong)seed);

    long step = 0;
    double accuracy = 0;
    for (var epoch = 0; epoch < Epochs; epoch++)
    {
        using (NewDisposeScope())
        {
            model.train();
            var order = randperm(SampleCount, generator: shuffle);
            for (var start = 0; start < SampleCount; start += BatchSize)
            {
                using var batchScope = NewDisposeScope();
                var batch = order.narrow(0, start, Math.Min(BatchSize, SampleCount - start));
                var loss = criterion.forward(model.forward(features.index_select(0, batch)), labels.index_select(0, batch));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                metrics.LogLoss(step++, loss.item<float>());
            }

            model.eval();
            using (no_grad())
            {
                var predicted = model.forward(features).argmax(1);
                accuracy = predicted.eq(labels).to_type(ScalarType.Float32).mean().item<float>();
                metrics.LogAccuracy(step, accuracy);
            }
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Trained {Epochs} epochs ({step} steps), final accuracy {accuracy:P1}."));
    run.Finish();
    Console.WriteLine($"Run {run.Id} finished.");
    Console.WriteLine($"Stored in {run.Directory}");
    Console.WriteLine($"Show it:   dotnet run --project tools/Repro.Cli -- runs show {run.Id}");
}
catch (Exception e)
{
    run.Fail(e);
    throw;
}
