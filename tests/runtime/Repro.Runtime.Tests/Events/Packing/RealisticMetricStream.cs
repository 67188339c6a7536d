namespace Repro.Runtime.Tests.Events.Packing;

/// <summary>
/// What a training loop logs each step, as the "realistic" streams describe it: a noisy loss that decays
/// (computed in float, as <c>loss.item&lt;float&gt;()</c> returns it), a learning rate stepped down every 10,000
/// steps, and a validation accuracy that moves in plateaus (a count of correct answers out of 1,000). Seeded.
/// </summary>
internal sealed class RealisticMetricStream(int seed)
{
    private readonly Random _random = new(seed);
    private readonly MetricDeclaration _loss = new("train/loss");
    private readonly MetricDeclaration _lr = new("train/lr");
    private readonly MetricDeclaration _accuracy = new("val/accuracy");

    public IEnumerable<(MetricDeclaration Metric, long Step, double Value)> Take(int scalars)
    {
        var correct = 500;
        for (long step = 0, logged = 0; logged < scalars; step++)
        {
            var loss = (float)((2.5 * Math.Exp(-step / 20_000.0)) + 0.1 + (0.05 * NextGaussian()));
            yield return (_loss, step, loss);
            yield return (_lr, step, 0.1 * Math.Pow(0.1, step / 10_000));
            if (step % 50 == 0 && _random.Next(4) == 0)
            {
                correct = Math.Min(1000, correct + _random.Next(0, 3));
            }

            yield return (_accuracy, step, correct / 1000.0);
            logged += 3;
        }
    }

    private double NextGaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
