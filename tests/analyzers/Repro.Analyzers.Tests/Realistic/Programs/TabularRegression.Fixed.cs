using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

// The same regression, made repeatable: shards in ordinal order, a seeded split, a configured seed, noise drawn
// from a generator seeded by the sample index (so worker threads cannot reorder draws), a seeded shuffle and a
// sequential hold-out sum.
public sealed class NoisyRows : torch.utils.data.Dataset
{
    private readonly List<float[]> _rows;
    private readonly long _seed;

    public NoisyRows(List<float[]> rows, long seed)
    {
        _rows = rows;
        _seed = seed;
    }

    public override long Count => _rows.Count;

    public override Dictionary<string, Tensor> GetTensor(long index)
    {
        var row = torch.tensor(_rows[(int)index]);
        using var generator = new Generator((ulong)(_seed + index), torch.CPU);
        var features = row[..^1] + 0.01f * torch.randn(new[] { row.shape[0] - 1 }, generator: generator);
        return new() { ["x"] = features, ["y"] = row[^1..] };
    }
}

public static class TabularRegression
{
    public static void Train(string folder, int epochs, int seed)
    {
        var rows = new List<float[]>();
        foreach (var shard in new DirectoryInfo(folder).EnumerateFiles("*.csv").OrderBy(file => file.FullName, StringComparer.Ordinal))
        {
            rows.AddRange(File.ReadLines(shard.FullName).Skip(1)
                .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()));
        }

        var split = new Random(seed);
        var holdOut = rows.Where(_ => split.NextDouble() < 0.2).ToList();
        var training = rows.Except(holdOut).ToList();

        torch.manual_seed(seed);
        var width = training[0].Length - 1;
        var model = nn.Sequential(("in", nn.Linear(width, 64)), ("act", nn.ReLU()), ("out", nn.Linear(64, 1)));
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        using var loader = torch.utils.data.DataLoader(new NoisyRows(training, seed), 64, shuffle: true, seed: seed, num_worker: 4);
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in loader)
            {
                optimizer.zero_grad();
                var loss = nn.functional.mse_loss(model.call(batch["x"]), batch["y"]);
                loss.backward();
                optimizer.step();
            }

            var total = 0.0;
            foreach (var row in holdOut)
            {
                total += Error(model, row);
            }

            Console.WriteLine($"epoch {epoch}: hold-out MSE {total / holdOut.Count:F5}");
        }
    }

    private static double Error(nn.Module<Tensor, Tensor> model, float[] row)
    {
        using var x = torch.tensor(row[..^1]);
        var difference = model.call(x).item<float>() - row[^1];
        return difference * difference;
    }
}
