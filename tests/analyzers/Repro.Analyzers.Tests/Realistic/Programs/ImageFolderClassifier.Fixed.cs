using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

// The same classifier, made repeatable: ordinal file order, seeded augmentation, seeded shuffle, every generator
// seeded, global average pooling written as a mean (deterministic backward). Convolutions stay on cuDNN, which has no
// deterministic switch in TorchSharp, so this version trains on the CPU.
// repro_target_device: cpu
public sealed class ImageFolder : torch.utils.data.Dataset
{
    private readonly List<(string Path, long Label)> _items = new();
    private readonly Random _flip;

    public ImageFolder(string root, int seed)
    {
        _flip = new Random(seed);
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        for (var label = 0; label < classes.Count; label++)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(root, classes[label]), "*.png").Order(StringComparer.Ordinal))
            {
                _items.Add((file, label));
            }
        }
    }

    public override long Count => _items.Count;

    public override Dictionary<string, Tensor> GetTensor(long index)
    {
        var (path, label) = _items[(int)index];
        var image = torch.from_array(File.ReadAllBytes(path)).to_type(ScalarType.Float32).reshape(3, 64, 64) / 255;
        if (_flip.NextDouble() < 0.5)
        {
            image = image.flip(2);
        }

        return new() { ["image"] = image, ["label"] = torch.tensor((long)label) };
    }
}

public static class ImageFolderClassifier
{
    public static void Train(string root, int epochs, int seed)
    {
        torch.manual_seed(seed);
        torch.cuda.manual_seed_all(seed);
        var device = torch.CPU;
        using var data = new ImageFolder(root, seed);
        using var loader = torch.utils.data.DataLoader(data, 32, shuffle: true, device: device, seed: seed);
        var features = nn.Sequential(("conv1", nn.Conv2d(3, 16, 3)), ("relu1", nn.ReLU())).to(device);
        var head = nn.Linear(16, 10).to(device);
        var parameters = features.parameters().Concat(head.parameters());
        var optimizer = torch.optim.Adam(parameters, lr: 1e-3);
        var loss = nn.CrossEntropyLoss();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in loader)
            {
                optimizer.zero_grad();
                var pooled = features.call(batch["image"]).mean(new long[] { 2, 3 });
                var output = loss.call(head.call(pooled), batch["label"]);
                output.backward();
                optimizer.step();
            }
        }
    }
}
