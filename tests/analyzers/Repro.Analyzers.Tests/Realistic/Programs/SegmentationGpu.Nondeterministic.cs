using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// A small encoder-decoder for semantic segmentation on a CUDA device, with class statistics and a confusion matrix.
public sealed class TinyUNet : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.ReflectionPad2d _pad = nn.{|REPRO2009:ReflectionPad2d(1)|};
    private readonly TorchSharp.Modules.Conv2d _down = nn.{|REPRO2008:Conv2d(3, 16, 3, stride: 2)|};
    private readonly TorchSharp.Modules.ConvTranspose2d _up = nn.{|REPRO2008:ConvTranspose2d(16, 8, 2, stride: 2)|};
    private readonly TorchSharp.Modules.Conv2d _classify = nn.{|REPRO2008:Conv2d(8, 4, 1)|};

    public TinyUNet() : base(nameof(TinyUNet)) => RegisterComponents();

    public override Tensor forward(Tensor images)
    {
        var features = F.relu(_down.call(_pad.call(images)));
        var decoded = F.relu(_up.call(features));
        var full = F.{|REPRO2012:interpolate(decoded, size: new long[] { images.shape[2], images.shape[3] }, mode: InterpolationMode.Bilinear)|};
        return F.log_softmax(_classify.call(full), 1);
    }
}

public static class SegmentationGpu
{
    public static void Train(Tensor images, Tensor masks, int epochs, long seed)
    {
        {|REPRO1017:Environment.SetEnvironmentVariable("CUBLAS_WORKSPACE_CONFIG", ":4096:8")|};
        torch.manual_seed(seed);
        torch.cuda.manual_seed_all(seed);
        var device = torch.device("cuda:0");
        var model = new TinyUNet().to(device);
        var optimizer = torch.optim.Adam(model.parameters());
        var flat = masks.flatten();
        var frequency = torch.{|REPRO2018:bincount(flat, torch.ones_like(flat, ScalarType.Float32))|};
        var weights = (1.0 / (frequency + 1)).to(device);
        var criterion = nn.{|REPRO2014:NLLLoss(weights)|};
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            optimizer.zero_grad();
            var logProbabilities = model.call(images.to(device));
            var loss = criterion.call(logProbabilities, masks.to(device));
            loss.backward();
            optimizer.step();

            var predicted = logProbabilities.argmax(1).flatten();
            var cells = flat.to(device) * 4 + predicted;
            var confusion = torch.zeros(16, device: device).{|REPRO2001:index_add(0, cells, torch.ones_like(cells, ScalarType.Float32), 1)|};
            var errorHistogram = loss.detach().{|REPRO2017:histc(bins: 10)|};
            var cumulative = confusion.{|REPRO2020:cumsum(0)|};
            Console.WriteLine($"epoch {epoch}: loss {loss.item<float>():F4}, correct {confusion.reshape(4, 4).diag().sum().item<float>()}, bins {errorHistogram.shape[0]}, total {cumulative[^1].item<float>()}");
        }
    }
}
