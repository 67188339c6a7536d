using System;
using System.IO;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// references: xunit
// A test project for an image model: shape checks, a gradient check and a golden-file comparison. A test
// project is quiet about backward-pass hazards (pooling, interpolation, gather); what it cannot be quiet about is
// a test that draws without a seed, or reads its golden files in file-system order.
public sealed class Encoder : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv2d _conv = nn.{|REPRO2008:Conv2d(3, 4, 3)|};
    private readonly TorchSharp.Modules.AdaptiveAvgPool2d _pool = nn.AdaptiveAvgPool2d(2);

    public Encoder() : base(nameof(Encoder)) => RegisterComponents();

    public override Tensor forward(Tensor images) =>
        _pool.call(F.interpolate(_conv.call(images), scale_factor: new[] { 2.0 }, mode: InterpolationMode.Bilinear)).flatten(1);
}

public class EncoderTests
{
    [Fact]
    public void Output_has_one_row_per_image()
    {
        torch.manual_seed(1);
        var encoder = new Encoder();
        var output = encoder.call(torch.rand(5, 3, 16, 16));
        Assert.Equal(5, output.shape[0]);
    }

    [Fact]
    public void Gradients_reach_the_input()
    {
        var images = torch.{|REPRO1008:rand(2, 3, 8, 8)|}.requires_grad_();
        torch.manual_seed(2);
        var encoder = new Encoder();
        encoder.call(images).sum().backward();
        Assert.True(images.grad is not null);
    }

    [Fact]
    public void Matches_the_golden_outputs()
    {
        torch.manual_seed(3);
        var encoder = new Encoder();
        var goldens = Directory.{|REPRO1013:GetFiles("goldens", "*.pt")|};
        var inputs = goldens.Select(path => torch.load(path)).ToArray();
        var actual = encoder.call(torch.stack(inputs));
        var expected = torch.load("goldens/expected.pt");
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }
}
