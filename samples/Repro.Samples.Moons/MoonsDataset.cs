using static TorchSharp.torch;

namespace Repro.Samples.Moons;

/// <summary>
/// The "two moons" dataset: two interleaving half circles with Gaussian noise, a classic small
/// non-linear classification problem. Generated from a seed, so every run sees the same points.
/// </summary>
internal static class MoonsDataset
{
    /// <summary>Generates <paramref name="count"/> points (features [count, 2], labels [count]).</summary>
    public static (Tensor Features, Tensor Labels) Generate(int count, double noise, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * 2];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            var upper = i % 2 == 0;
            var angle = Math.PI * random.NextDouble();
            var (x, y) = upper
                ? (Math.Cos(angle), Math.Sin(angle))
                : (1 - Math.Cos(angle), 0.5 - Math.Sin(angle));
            features[2 * i] = (float)(x + (noise * Gaussian(random)));
            features[(2 * i) + 1] = (float)(y + (noise * Gaussian(random)));
            labels[i] = upper ? 0 : 1;
        }

        return (tensor(features, [count, 2]), tensor(labels));
    }

    // Box–Muller: a standard normal draw from two uniform ones.
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
