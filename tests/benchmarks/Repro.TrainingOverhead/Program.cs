using System.Diagnostics;
using System.Globalization;
using Repro;
using Repro.TorchSharp.Metrics;
using Repro.TrainingOverhead;
using TorchSharp;
using static TorchSharp.torch;

// What Repro costs a real training loop (issue 17, item 4). A small CNN trains on generated images on the CPU under
// three configurations, interleaved round by round so that drift in the machine's speed hits each alike:
//   none       no Repro (the loop still reads loss and accuracy, as any loop printing progress does)
//   scalars    a run logging loss, accuracy and learning rate every step through [Metric] methods (item() first)
//   tensors    the same, loss and accuracy passed as tensors to [Metric] methods: the loop never calls item()
//   full       scalars, plus a histogram of every parameter and gradient every 50 steps (TensorHistograms: counted
//              by libtorch) and telemetry every second
// Each segment restores the same initial weights and sees the same batches. Reported: the median over rounds of
// each configuration's mean step time, its ratio to none in the same round, and the time spent inside Repro's calls
// on the training thread. Usage: dotnet run -c Release --project tests/benchmarks/Repro.TrainingOverhead -- [rounds] [steps]
// With `micro` first, runs the BenchmarkDotNet micro-benchmarks of tensor metrics instead (TensorMetricBenchmarks).
if (args is ["micro", .. var benchmarkArguments])
{
    BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(SmallCnn).Assembly).Run(benchmarkArguments);
    return 0;
}

var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
var steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
const int Warmup = 20;
const int BatchSize = 64;
const int HistogramEvery = 50;
string[] configurations = ["none", "scalars", "tensors", "full"];

torch.manual_seed(20261206);
var (images, labels) = SmallCnn.GenerateImages(4096, seed: 20261206);
var model = SmallCnn.Create();
var initial = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
var criterion = nn.CrossEntropyLoss();
var home = Directory.CreateTempSubdirectory("repro-overhead-").FullName;
var bounds = Enumerable.Range(0, 65).Select(i => -0.5 + (i / 64.0)).ToArray();
var parameters = model.named_parameters().Select(p => (p.name, p.parameter)).ToList();
var histograms = parameters.Select(p => (
    Parameter: p.parameter,
    Values: new MetricDeclaration("params/" + p.name, options: new MetricOptions { Aggregation = MetricAggregation.Histogram, HistogramBounds = bounds, RecordValues = false, IntervalSteps = HistogramEvery }),
    Gradients: new MetricDeclaration("grads/" + p.name, options: new MetricOptions { Aggregation = MetricAggregation.Histogram, HistogramBounds = bounds, RecordValues = false, IntervalSteps = HistogramEvery }))).ToList();

var results = configurations.ToDictionary(c => c, _ => new List<(double StepMs, double ReproMs, double ItemMs)>());
long walBytes = 0, walScalars = 0;
Console.WriteLine($"torch threads {torch.get_num_threads()}, {rounds} rounds × {steps} steps (+{Warmup} warm-up) per configuration, batch {BatchSize}, {parameters.Sum(p => p.parameter.numel()):N0} parameters");
foreach (var configuration in configurations)
{
    TrainSegment(configuration); // JIT, allocator and libtorch warm-up: not counted
}

for (var round = 0; round < rounds; round++)
{
    for (var k = 0; k < configurations.Length; k++)
    {
        var configuration = configurations[(k + round) % configurations.Length];
        var segment = TrainSegment(configuration);
        results[configuration].Add(segment);
        Console.WriteLine($"round {round + 1} {configuration,-8} {segment.StepMs,8:F3} ms/step, inside Repro {segment.ReproMs * 1000,8:F1} µs/step, the loop's item() reads {segment.ItemMs * 1000,8:F1} µs/step");
    }
}

Console.WriteLine();
Console.WriteLine("| configuration | median step | ratio to none (median of rounds) | range of round ratios | inside Repro per step | share of the step | the loop's item() reads per step |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var configuration in configurations)
{
    var ratios = Enumerable.Range(0, rounds).Select(r => results[configuration][r].StepMs / results["none"][r].StepMs).Order().ToList();
    var step = Median(results[configuration].Select(r => r.StepMs));
    var inside = Median(results[configuration].Select(r => r.ReproMs));
    var items = Median(results[configuration].Select(r => r.ItemMs));
    Console.WriteLine($"| {configuration} | {step:F3} ms | {Median(ratios):F4} | {ratios[0]:F4}–{ratios[^1]:F4} | {inside * 1000:F1} µs | {inside / step * 100:F3} % | {items * 1000:F1} µs |");
}

Console.WriteLine($"WAL of the full configuration: {(double)walBytes / Math.Max(1, walScalars):F2} bytes per logged value (a histogram counts as one) ({walBytes:N0} bytes)");
Directory.Delete(home, recursive: true);
return 0;

(double StepMs, double ReproMs, double ItemMs) TrainSegment(string configuration)
{
    using var scope = torch.NewDisposeScope();
    foreach (var (name, value) in model.state_dict())
    {
        value.detach().copy_(initial[name]);
    }

    var optimizer = optim.SGD(model.parameters(), learningRate: 0.05, momentum: 0.9);
    using var run = configuration == "none" ? null : Run.Start(new RunOptions
    {
        Home = home,
        Name = "overhead-" + configuration,
        HookProcessEvents = false,
        TelemetryInterval = configuration == "full" ? TimeSpan.FromSeconds(1) : TimeSpan.Zero,
    });
    var metrics = run is null ? null : new OverheadMetrics();
    var stepTicks = 0L;
    var reproTicks = 0L;
    var itemTicks = 0L;
    var logged = 0L;
    for (var step = 0; step < Warmup + steps; step++)
    {
        var started = Stopwatch.GetTimestamp();
        using var stepScope = torch.NewDisposeScope();
        var at = step * BatchSize % (4096 - BatchSize);
        var batch = images[at..(at + BatchSize)];
        var target = labels[at..(at + BatchSize)];
        var learningRate = step < 100 ? 0.05 : 0.01;
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = learningRate;
        }

        optimizer.zero_grad();
        var output = model.call(batch);
        var loss = criterion.call(output, target);
        loss.backward();
        optimizer.step();
        var accuracyTensor = output.argmax(1).eq(target).to_type(ScalarType.Float32).mean();
        if (configuration == "tensors")
        {
            var tensorsStarted = Stopwatch.GetTimestamp();
            metrics!.LogLossTensor(step, loss);
            metrics.LogAccuracyTensor(step, accuracyTensor);
            metrics.LogLearningRate(step, learningRate);
            logged += 3;
            var tensorsEnded = Stopwatch.GetTimestamp();
            if (step >= Warmup)
            {
                stepTicks += tensorsEnded - started;
                reproTicks += tensorsEnded - tensorsStarted;
            }

            continue;
        }

        // The loop's own reads, timed apart: in the tensors configuration Repro makes them, inside its calls.
        var itemsStarted = Stopwatch.GetTimestamp();
        var lossValue = loss.item<float>();
        var accuracy = accuracyTensor.item<float>();
        if (step >= Warmup)
        {
            itemTicks += Stopwatch.GetTimestamp() - itemsStarted;
        }

        var loggingStarted = Stopwatch.GetTimestamp();
        if (metrics is not null)
        {
            metrics.LogLoss(step, lossValue);
            metrics.LogAccuracy(step, accuracy);
            metrics.LogLearningRate(step, learningRate);
            logged += 3;
            if (configuration == "full" && step % HistogramEvery == 0)
            {
                foreach (var (parameter, values, gradients) in histograms)
                {
                    run!.LogHistogram(values, step, parameter);
                    run!.LogHistogram(gradients, step, parameter.grad!);
                    logged += 2;
                }
            }
        }

        var ended = Stopwatch.GetTimestamp();
        if (step >= Warmup)
        {
            stepTicks += ended - started;
            reproTicks += ended - loggingStarted;
        }
    }

    if (run is not null && configuration == "full")
    {
        run.Flush();
        walBytes = Directory.GetFiles(Path.Combine(run.Directory, "wal")).Sum(f => new FileInfo(f).Length);
        walScalars = logged;
    }

    return (Ms(stepTicks) / steps, Ms(reproTicks) / steps, Ms(itemTicks) / steps);
}

static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
