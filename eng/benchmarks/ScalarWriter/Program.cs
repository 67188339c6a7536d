using Repro;
using Repro.Pipeline;

// Usage: ScalarWriter <scalars> <metrics> <disturb-at-step>: logs <scalars> values spread over <metrics> metrics
// (step = value index / metrics), all deterministic; the first metric's value at <disturb-at-step> is nudged by
// 1e-9 (-1: never). Prints the run id. The run goes to $REPRO_HOME.
var scalars = long.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var count = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var disturbAt = long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
string[] names = ["loss", "accuracy", "grad_norm", "learning_rate", "throughput", "memory", "tokens", "epoch"];
var metrics = names.Take(count).Select(n => new MetricDeclaration(n)).ToArray();
using var run = Run.Start(new RunOptions { Name = "benchmark", TelemetryInterval = TimeSpan.Zero, Pipeline = new EventPipelineOptions { FullPolicy = BufferFullPolicy.Block } });
for (long i = 0; i < scalars; i++)
{
    var metric = (int)(i % metrics.Length);
    var step = i / metrics.Length;
    var value = Math.Sin(step * 1e-3) + metric;
    run.LogScalar(metrics[metric], step, step == disturbAt && metric == 0 ? value + 1e-9 : value);
}

Console.WriteLine(run.Id);
