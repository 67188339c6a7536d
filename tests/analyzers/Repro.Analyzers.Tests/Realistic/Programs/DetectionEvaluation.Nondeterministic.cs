using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// repro_target_device: cuda
// Offline evaluation of an object detector that another project trained: the weights are loaded from a file, the
// model only runs forward, and the job writes a metrics report that is compared between model versions. No
// backward pass runs, so the hazards of backward kernels (pooling, padding, interpolation, sampling grids,
// attention, gather) cannot occur; forward atomics, CUDA-only kernels and the order of inputs and report rows can.
public sealed class DetectorHead : nn.Module<Tensor, (Tensor Boxes, Tensor Scores)>
{
    private readonly TorchSharp.Modules.ReplicationPad2d _pad = nn.ReplicationPad2d(1);
    private readonly TorchSharp.Modules.Conv2d _features = nn.{|REPRO2008:Conv2d(3, 16, 3)|};
    private readonly TorchSharp.Modules.AdaptiveMaxPool2d _pool = nn.AdaptiveMaxPool2d(new long[] { 7, 7 });
    private readonly TorchSharp.Modules.Linear _boxes = nn.{|REPRO2022:Linear(16 * 7 * 7, 4)|};
    private readonly TorchSharp.Modules.Linear _scores = nn.Linear(16 * 7 * 7, 20);

    public DetectorHead() : base(nameof(DetectorHead)) => RegisterComponents();

    public override (Tensor Boxes, Tensor Scores) forward(Tensor images)
    {
        var resized = F.interpolate(images, size: new long[] { 224, 224 }, mode: InterpolationMode.Bilinear, align_corners: false);
        var pooled = _pool.call(F.relu(_features.call(_pad.call(resized)))).flatten(1);
        return (_boxes.call(pooled), F.softmax(_scores.call(pooled), 1));
    }
}

public static class DetectionEvaluation
{
    public static void Evaluate(string imageFolder, string weights, string reportPath)
    {
        {|REPRO1009:torch.manual_seed(7)|};
        var device = torch.device("cuda");
        var model = new DetectorHead();
        model.load(weights);
        model.to(device).eval();

        var images = Directory.EnumerateFiles(imageFolder, "*.pt").Order(StringComparer.Ordinal).ToList();
        var annotations = Directory.{|REPRO1013:GetFiles(Path.Combine(imageFolder, "annotations"))|};
        Console.WriteLine($"{images.Count} images, {Directory.GetFiles(imageFolder, "*.json").Length} metadata files");

        var perClassHits = new Dictionary<int, int>();
        var report = new List<string>();
        using var _ = torch.no_grad();
        foreach (var (path, annotation) in images.Zip(annotations))
        {
            var batch = torch.load(path).to(device);
            var (boxes, scores) = model.call(batch);
            var labels = scores.argmax(1);
            var truth = torch.load(annotation).to(device);

            // Forward-only uses of kernels whose backward is nondeterministic: silent here.
            var aligned = F.grid_sample(batch, F.affine_grid(torch.eye(2, 3, device: device).unsqueeze(0).expand(batch.shape[0], 2, 3), batch.shape));
            var context = F.scaled_dot_product_attention(scores.unsqueeze(1), scores.unsqueeze(1), scores.unsqueeze(1));
            var picked = scores.gather(1, labels.unsqueeze(1));

            // Forward kernels that are nondeterministic on CUDA whatever the gradient mode.
            var classMass = torch.zeros(20, device: device).{|REPRO2001:index_add(0, labels, picked.squeeze(1), 1)|};
            var histogram = picked.{|REPRO2017:histc(bins: 10, min: 0, max: 1)|};
            var cumulative = classMass.{|REPRO2020:cumsum(0)|};
            var correct = labels.eq(truth).to_type(ScalarType.Float32);
            var hits = torch.zeros(20, device: device).{|REPRO2002:scatter_add(0, labels, correct)|};

            for (var label = 0; label < 20; label++)
            {
                perClassHits[label] = perClassHits.GetValueOrDefault(label) + (int)hits[label].item<float>();
            }

            report.Add($"{Path.GetFileName(path)},{aligned.mean().item<float>():F4},{context.mean().item<float>():F4},"
                + $"{histogram.argmax().item<long>()},{cumulative[^1].item<float>():F4},{boxes.abs().mean().item<float>():F4}");
        }

        // Report rows follow the sorted image list; the class table is sorted by class; the progress line only logs.
        foreach (var pair in perClassHits)
        {
            Console.WriteLine($"class {pair.Key}: {pair.Value} hits");
        }

        report.AddRange(perClassHits.OrderBy(pair => pair.Key).Select(pair => $"class,{pair.Key},{pair.Value}"));
        report.Add("classes seen: " + string.Join(";", {|REPRO1016:perClassHits.Keys|}));
        File.WriteAllLines(reportPath, report);
    }
}
