using System.Globalization;
using Repro;
using Repro.Storage;
using Repro.TorchSharp.Determinism;
using Repro.TorchSharp.Seeding;
using ReproTrain;
using static TorchSharp.torch;

// Settings: defaults < REPRO_HP_* environment variables < --key value. --help lists every setting;
// a bad value is reported with the usage and exit code 2 before any run starts.
var config = new TrainingConfig().BindFromProcessOrExit(args);

Run started;
try
{
    // The run is stored under $REPRO_HOME, else the nearest .repro folder upwards, else the git repository's root.
    started = Run.Start(new RunOptions { Name = "ReproTrain" });
}
catch (ReproHomeException e)
{
    Console.Error.WriteLine(e.Message); // names the folder, the cause and what to do
    return 1;
}

using var run = started;
try
{
    run.RecordHyperparameters(config);
    TorchSeeds.ManualSeed(config.Seed);
    TorchDeterminism.Record(run);
    var metrics = new TrainingMetrics();

    // Replace with your data: y = sin(x) plus noise, drawn from a generator seeded by the configuration.
    var data = new Generator((ulong)config.Seed);
    var inputs = (rand(config.Samples, 1, generator: data) * 6) - 3;
    var targets = sin(inputs) + (randn(config.Samples, 1, generator: data) * config.Noise);

    var model = nn.Sequential(
        ("hidden", nn.Linear(1, config.HiddenUnits)),
        ("tanh", nn.Tanh()),
        ("output", nn.Linear(config.HiddenUnits, 1)));
    var optimizer = optim.Adam(model.parameters(), lr: config.LearningRate);
    var criterion = nn.MSELoss();

    var loss = double.NaN;
    for (long step = 0; step < config.Steps; step++)
    {
        using var scope = NewDisposeScope();
        var error = criterion.forward(model.forward(inputs), targets);
        optimizer.zero_grad();
        error.backward();
        optimizer.step();
        loss = error.item<float>();
        metrics.LogLoss(step, loss);
    }

    run.Finish();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Trained {config.Steps} steps, final loss {loss:G4}."));
    Console.WriteLine($"Run {run.Id} stored in {run.Directory}");
    Console.WriteLine($"Show it: repro runs show {run.Id}");
}
catch (Exception e)
{
    run.Fail(e);
    throw;
}

return 0;
