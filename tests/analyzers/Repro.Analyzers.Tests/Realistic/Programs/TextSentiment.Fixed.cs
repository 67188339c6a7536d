using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

// The same model, made repeatable: seeded shuffle, a split by a hash with a fixed definition, a sorted vocabulary,
// ordered parallel tokenisation, a sequential mean and a seeded torch generator.
public sealed class SentimentModel : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Embedding _embedding;
    private readonly TorchSharp.Modules.LSTM _lstm;
    private readonly TorchSharp.Modules.Linear _head;

    public SentimentModel(long vocabulary) : base(nameof(SentimentModel))
    {
        _embedding = nn.Embedding(vocabulary, 32);
        _lstm = nn.LSTM(32, 64, batchFirst: true);
        _head = nn.Linear(64, 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        var (output, _, _) = _lstm.call(_embedding.call(tokens));
        return _head.call(output.select(1, -1));
    }
}

public static class TextSentiment
{
    public static void Train(string path, int epochs, int seed)
    {
        torch.manual_seed(seed);
        var random = new Random(seed);
        var lines = File.ReadAllLines(path).OrderBy(_ => random.Next()).ToList();
        var validation = lines.Where(line => Fnv1a(line) % 10 == 0).ToList();
        var training = lines.Except(validation).ToList();

        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in training.SelectMany(line => line.Split('\t')[1].Split(' ')))
        {
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }

        var vocabulary = counts.Keys.Select((word, index) => (word, index)).ToDictionary(pair => pair.word, pair => (long)pair.index + 1);
        var encoded = training.AsParallel().AsOrdered()
            .Select(line => line.Split('\t'))
            .Select(parts => (Label: long.Parse(parts[0]), Tokens: parts[1].Split(' ').Select(w => vocabulary.GetValueOrDefault(w)).Take(40).ToArray()))
            .ToList();

        var model = new SentimentModel(vocabulary.Count + 1);
        var optimizer = torch.optim.Adam(model.parameters());
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var losses = new List<double>();
            foreach (var (label, tokens) in encoded)
            {
                optimizer.zero_grad();
                var logits = model.call(torch.tensor(tokens).unsqueeze(0));
                var loss = nn.functional.cross_entropy(logits, torch.tensor(new[] { label }));
                loss.backward();
                optimizer.step();
                losses.Add(loss.item<float>());
            }

            Console.WriteLine($"epoch {epoch}: {losses.Average():F4}");
        }
    }

    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
