using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Batch inference for an image model that another project trained: no backward pass anywhere, so the hazards of
// backward passes (pooling, padding, interpolation, gather) cannot occur here. What can: the forward-pass
// atomics, unsorted file listings and hash order reaching the output file.
public sealed class Scorer : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.ReflectionPad2d _pad = nn.ReflectionPad2d(2);
    private readonly TorchSharp.Modules.AdaptiveAvgPool2d _pool = nn.AdaptiveAvgPool2d(4);
    private readonly TorchSharp.Modules.Conv2d _features = nn.{|REPRO2008:Conv2d(3, 8, 3)|};

    public Scorer() : base(nameof(Scorer)) => RegisterComponents();

    public override Tensor forward(Tensor images)
    {
        var resized = F.interpolate(images, size: new long[] { 64, 64 }, mode: InterpolationMode.Bilinear);
        return _pool.call(F.relu(_features.call(_pad.call(resized)))).flatten(1);
    }
}

public static class InferenceService
{
    public static void ScoreFolder(string folder, string weightsPath, string output)
    {
        torch.manual_seed(0);
        var model = new Scorer();
        model.load(weightsPath);
        model.eval();

        var files = Directory.{|REPRO1013:GetFiles(folder, "*.bin")|};
        var labels = new HashSet<string>();
        using var writer = new StreamWriter(output);
        using var _ = torch.no_grad();
        foreach (var batch in files.Chunk(32))
        {
            var images = torch.stack(batch.Select(path => torch.load(path)).ToArray());
            var scores = model.call(images);
            var best = scores.argmax(1);
            var picked = scores.gather(1, best.unsqueeze(1));
            var perClass = torch.zeros(scores.shape[1]).{|REPRO2001:index_add(0, best, picked.squeeze(1), 1)|};
            var ranks = scores.{|REPRO2020:cumsum(1)|};
            for (var i = 0; i < batch.Length; i++)
            {
                labels.Add(Path.GetFileNameWithoutExtension(batch[i]).Split('_')[0]);
                writer.WriteLine($"{Path.GetFileName(batch[i])},{best[i].item<long>()},{picked[i, 0].item<float>():F4},{ranks[i, ^1].item<float>():F4}");
            }

            Console.WriteLine($"scored {batch.Length} images, class mass {perClass.sum().item<float>():F2}");
        }

        // The label list becomes part of the output file: its order must not depend on hashing.
        writer.WriteLine(string.Join(";", {|REPRO1016:labels|}.ToList()));
        Console.WriteLine($"labels seen: {string.Join(", ", labels.Take(5))}");
    }
}
