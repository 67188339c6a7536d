using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TrainingOverhead;

/// <summary>
/// Two convolutions and two linear layers over 1×32×32 images, ten classes: about 150,000 parameters, a few
/// milliseconds to tens of milliseconds a step on a CPU, larger than the sample's classifier.
/// </summary>
internal static class SmallCnn
{
    public static nn.Module<Tensor, Tensor> Create() => nn.Sequential(
        ("conv1", nn.Conv2d(1, 16, 3, padding: 1)),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(16, 32, 3, padding: 1)),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(32 * 8 * 8, 64)),
        ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(64, 10)));

    /// <summary>
    /// Seeded images: class k is a bright blob at one of ten places plus noise, so the model learns and its loss,
    /// accuracy and gradients move as a real run's do.
    /// </summary>
    public static (Tensor Images, Tensor Labels) GenerateImages(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * 32 * 32];
        var labels = new long[count];
        for (var n = 0; n < count; n++)
        {
            var label = random.Next(10);
            labels[n] = label;
            var (cx, cy) = (6 + (label % 5 * 5), label < 5 ? 10 : 22);
            for (var y = 0; y < 32; y++)
            {
                for (var x = 0; x < 32; x++)
                {
                    var distance = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy));
                    pixels[(n * 1024) + (y * 32) + x] = (float)(Math.Exp(-distance / 8.0) + (0.3 * (random.NextDouble() - 0.5)));
                }
            }
        }

        return (tensor(pixels, [count, 1, 32, 32]), tensor(labels));
    }
}
