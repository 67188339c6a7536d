using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// The same network where determinism matters more than speed: trained on the CPU (the project declares
// repro_target_device = cpu), zero padding and nearest upsampling, weighted loss without atomic reductions,
// class frequencies and confusion counts computed with one-hot sums, and CUBLAS_WORKSPACE_CONFIG left to the
// launcher (set before the process starts).
// repro_target_device: cpu
public sealed class TinyUNet : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv2d _down = nn.Conv2d(3, 16, 3, stride: 2, padding: 1);
    private readonly TorchSharp.Modules.ConvTranspose2d _up = nn.ConvTranspose2d(16, 8, 2, stride: 2);
    private readonly TorchSharp.Modules.Conv2d _classify = nn.Conv2d(8, 4, 1);

    public TinyUNet() : base(nameof(TinyUNet)) => RegisterComponents();

    public override Tensor forward(Tensor images)
    {
        var features = F.relu(_down.call(images));
        var decoded = F.relu(_up.call(features));
        var full = F.interpolate(decoded, size: new long[] { images.shape[2], images.shape[3] }, mode: InterpolationMode.Nearest);
        return F.log_softmax(_classify.call(full), 1);
    }
}

public static class SegmentationGpu
{
    public static void Train(Tensor images, Tensor masks, int epochs, long seed)
    {
        torch.manual_seed(seed);
        torch.cuda.manual_seed_all(seed);
        var device = torch.CPU;
        var model = new TinyUNet().to(device);
        var optimizer = torch.optim.Adam(model.parameters());
        var flat = masks.flatten();
        var frequency = F.one_hot(flat, 4).sum(0).to_type(ScalarType.Float32);
        var weights = (1.0 / (frequency + 1)).to(device);
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            optimizer.zero_grad();
            var logProbabilities = model.call(images.to(device));
            var perPixel = F.nll_loss(logProbabilities, masks.to(device), weights, reduction: nn.Reduction.None);
            var loss = perPixel.mean();
            loss.backward();
            optimizer.step();

            var predicted = logProbabilities.argmax(1).flatten();
            var confusion = F.one_hot(flat * 4 + predicted, 16).sum(0);
            Console.WriteLine($"epoch {epoch}: loss {loss.item<float>():F4}, correct {confusion.reshape(4, 4).diag().sum().item<long>()}");
        }
    }
}
