using System.Globalization;
using Repro;
using Repro.Samples.Moons;
using Repro.Datasets;
using Repro.TorchSharp.Determinism;
using Repro.TorchSharp.Lineage;
using Repro.TorchSharp.Seeding;
using TorchSharp;
using static TorchSharp.torch;

// A small classifier on the two-moons dataset, recorded by Repro: run id, build stamp, configuration
// and its hash, seeds, every mini-batch loss, the data's fingerprint, the validation split and a checkpoint per
// epoch (the best one tagged) land under $REPRO_HOME (default ./.repro).
// Change any setting with --key value (e.g. --seed 7 --epochs 50) or REPRO_HP_KEY variables.
// --help lists every setting; a bad one is reported with the usage and exit code 2, before any run starts.
var config = new TrainingConfig().BindFromProcessOrExit(args);

Run started;
try
{
    started = Run.Start(new RunOptions { Name = "moons-classifier" });
}
catch (Repro.Storage.ReproHomeException e)
{
    // The home cannot be written: its path, the cause and the fix, not a stack trace.
    Console.Error.WriteLine(e.Message);
    return 1;
}

using var run = started;
try
{
    run.RecordHyperparameters(config);
    Console.Write(config.ToSummary());
    TorchSeeds.ManualSeed(config.Seed);

    // Seeds, thread counts, TF32 switches and CUBLAS_WORKSPACE_CONFIG into the manifest; warns on CUDA without it.
    foreach (var warning in TorchDeterminism.Record(run).Warnings)
    {
        Console.Error.WriteLine($"warning: {warning}");
    }

    var metrics = new TrainingMetrics();
    var (features, labels) = MoonsDataset.Generate(config.SampleCount, config.Noise, (int)config.Seed);
    // Which bytes went in: the generated points, fingerprinted in index order, with how they were made.
    run.LogDataset("moons", TensorFingerprint.OfRows(new Dictionary<string, Tensor> { ["features"] = features, ["labels"] = labels }), new DatasetOptions
    {
        SourceUri = "generated:two-moons",
        Preprocessing = [new PreprocessingStep("generate", "1", new Dictionary<string, string>
        {
            ["count"] = config.SampleCount.ToString(CultureInfo.InvariantCulture),
            ["noise"] = config.Noise.ToString("R", CultureInfo.InvariantCulture),
            ["seed"] = config.Seed.ToString(CultureInfo.InvariantCulture),
        })],
    });

    // Every fifth point is held out for validation; the run records exactly which ones.
    var validationIndices = Enumerable.Range(0, config.SampleCount).Where(i => i % 5 == 4).Select(i => (long)i).ToArray();
    var trainingIndices = Enumerable.Range(0, config.SampleCount).Where(i => i % 5 != 4).Select(i => (long)i).ToArray();
    run.LogSplit("validation", validationIndices, dataset: "moons");
    var (trainFeatures, trainLabels) = (features.index_select(0, tensor(trainingIndices)), labels.index_select(0, tensor(trainingIndices)));
    var (validFeatures, validLabels) = (features.index_select(0, tensor(validationIndices)), labels.index_select(0, tensor(validationIndices)));
    var trainCount = trainingIndices.Length;

    // The distribution of the inputs the model learns from: a serving run compares its own with it (repro drift).
    var points = trainFeatures.data<float>().ToArray();
    for (var i = 0; i < trainCount; i++)
    {
        run.LogFeatures(MoonsFeatures.Inputs, 0, [points[2 * i], points[(2 * i) + 1]]);
    }

    var model = nn.Sequential(
        ("hidden1", nn.Linear(2, config.HiddenUnits)),
        ("tanh1", nn.Tanh()),
        ("hidden2", nn.Linear(config.HiddenUnits, config.HiddenUnits)),
        ("tanh2", nn.Tanh()),
        ("output", nn.Linear(config.HiddenUnits, 2)));
    var optimizer = optim.Adam(model.parameters(), lr: config.LearningRate);
    var criterion = nn.CrossEntropyLoss();
    var shuffle = new Generator((ulong)config.Seed);

    long step = 0;
    double accuracy = 0;
    for (var epoch = 0; epoch < config.Epochs; epoch++)
    {
        using (NewDisposeScope())
        {
            model.train();
            var order = randperm(trainCount, generator: shuffle);
            for (var start = 0; start < trainCount; start += config.BatchSize)
            {
                using var batchScope = NewDisposeScope();
                var batch = order.narrow(0, start, Math.Min(config.BatchSize, trainCount - start));
                var loss = criterion.forward(model.forward(trainFeatures.index_select(0, batch)), trainLabels.index_select(0, batch));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                metrics.LogLoss(step++, loss.item<float>());
            }

            model.eval();
            using (no_grad())
            {
                var predicted = model.forward(trainFeatures).argmax(1);
                metrics.LogAccuracy(step, predicted.eq(trainLabels).to_type(ScalarType.Float32).mean().item<float>());
                accuracy = model.forward(validFeatures).argmax(1).eq(validLabels).to_type(ScalarType.Float32).mean().item<float>();
                metrics.LogValidationAccuracy(step, accuracy);
            }

            // A checkpoint per epoch, stored in the background; "last" and "best/validation/accuracy" follow.
            run.SaveCheckpoint(model, step: step);
        }
    }

    // And of the model's confidence on held-out points, the baseline for a serving run's outputs.
    using (no_grad())
    {
        foreach (var confidence in nn.functional.softmax(model.forward(validFeatures), 1).max(1).values.data<float>().ToArray())
        {
            run.LogFeatures(MoonsFeatures.Outputs, 0, [confidence]);
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Trained {config.Epochs} epochs ({step} steps), final validation accuracy {accuracy:P1}."));
    run.Finish();
    Console.WriteLine($"Run {run.Id} finished.");
    Console.WriteLine($"Stored in {run.Directory}");
    Console.WriteLine($"Show it:   dotnet run --project tools/Repro.Cli -- runs show {run.Id}");
    Console.WriteLine($"Best model: dotnet run --project tools/Repro.Cli -- artifacts get {run.Id} best/validation/accuracy -o best-model.dat");
}
catch (Exception e)
{
    run.Fail(e);
    throw;
}

return 0;
