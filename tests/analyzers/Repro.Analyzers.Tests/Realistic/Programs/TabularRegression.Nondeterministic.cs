using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TorchSharp;
using static TorchSharp.torch;

// House-price regression from a folder of CSV shards, with noise augmentation and four loader workers.
public sealed class NoisyRows : torch.utils.data.Dataset
{
    private readonly List<float[]> _rows;

    public NoisyRows(List<float[]> rows) => _rows = rows;

    public override long Count => _rows.Count;

    public override Dictionary<string, Tensor> GetTensor(long index)
    {
        var row = torch.tensor(_rows[(int)index]);
        var features = row[..^1] + 0.01f * torch.randn(row.shape[0] - 1);
        return new() { ["x"] = features, ["y"] = row[^1..] };
    }
}

public static class TabularRegression
{
    public static void Train(string folder, int epochs)
    {
        var rows = new List<float[]>();
        foreach (var shard in new DirectoryInfo(folder).{|REPRO1013:EnumerateFiles("*.csv")|})
        {
            rows.AddRange(File.ReadLines(shard.FullName).Skip(1)
                .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()));
        }

        var holdOut = rows.Where(_ => {|REPRO1002:Random.Shared|}.NextDouble() < 0.2).ToList();
        var training = rows.Except(holdOut).ToList();

        var seed = DateTime.Now.Millisecond;
        torch.manual_seed({|REPRO1004:seed|});
        var width = training[0].Length - 1;
        var model = nn.Sequential(("in", nn.Linear(width, 64)), ("act", nn.ReLU()), ("out", nn.Linear(64, 1)));
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        using var loader = {|REPRO1010:{|REPRO1011:torch.utils.data.DataLoader(new NoisyRows(training), 64, shuffle: true, num_worker: 4)|}|};
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            torch.{|REPRO1007:seed()|};
            foreach (var batch in loader)
            {
                optimizer.zero_grad();
                var loss = nn.functional.mse_loss(model.call(batch["x"]), batch["y"]);
                loss.backward();
                optimizer.step();
            }

            var total = 0.0;
            var gate = new object();
            Parallel.{|REPRO1015:For(0, holdOut.Count, () => 0.0, (i, _, local) => local + Error(model, holdOut[i]), local => { lock (gate) { total += local; } })|};
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
