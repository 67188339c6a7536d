using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

// Classifies images stored as one folder per class, on the GPU when there is one.
public sealed class ImageFolder : torch.utils.data.Dataset
{
    private readonly List<(string Path, long Label)> _items = new();
    private readonly Random _flip = {|REPRO1001:new Random()|};
    private readonly torchvision.ITransform _crop = torchvision.transforms.{|REPRO1012:RandomResizedCrop(64)|};

    public ImageFolder(string root)
    {
        var classes = new HashSet<string>(Directory.{|REPRO1013:GetDirectories(root)|}.Select(Path.GetFileName).OfType<string>());
        var label = 0L;
        foreach (var name in {|REPRO1016:classes|})
        {
            foreach (var file in Directory.{|REPRO1013:GetFiles(Path.Combine(root, name), "*.png")|})
            {
                _items.Add((file, label));
            }

            label++;
        }
    }

    public override long Count => _items.Count;

    public override Dictionary<string, Tensor> GetTensor(long index)
    {
        var (path, label) = _items[(int)index];
        var pixels = torch.from_array(File.ReadAllBytes(path)).to_type(ScalarType.Float32).reshape(3, 64, 64) / 255;
        var image = _crop.call(pixels.unsqueeze(0)).squeeze(0);
        if (_flip.NextDouble() < 0.5)
        {
            image = image.flip(2);
        }

        return new() { ["image"] = image, ["label"] = torch.tensor(label) };
    }
}

public static class ImageFolderClassifier
{
    public static void Train(string root, int epochs)
    {
        {|REPRO1009:torch.manual_seed(1234)|};
        var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        using var data = new ImageFolder(root);
        using var loader = {|REPRO1010:torch.utils.data.DataLoader(data, 32, shuffle: true, device: device)|};
        var model = nn.Sequential(
            ("conv1", nn.{|REPRO2008:Conv2d(3, 16, 3)|}),
            ("relu1", nn.ReLU()),
            ("pool", nn.{|REPRO2010:AdaptiveAvgPool2d(1)|}),
            ("flatten", nn.Flatten()),
            ("head", nn.{|REPRO2022:Linear(16, 10)|})).to(device);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var loss = nn.CrossEntropyLoss();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in loader)
            {
                optimizer.zero_grad();
                var output = loss.call(model.call(batch["image"]), batch["label"]);
                output.backward();
                optimizer.step();
            }
        }
    }
}
