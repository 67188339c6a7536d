using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// The same recommender, made repeatable on the CPU (repro_target_device = cpu): mean pooling, seeded torch
// and negative sampling, popularity by one-hot sums instead of an accumulating index_put_, a mask built with
// one_hot instead of indexed assignment, and the summary stacked instead of index_copy.
// repro_target_device: cpu
public sealed class Recommender : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TorchSharp.Modules.EmbeddingBag _history;
    private readonly TorchSharp.Modules.Embedding _items;

    public Recommender(long items) : base(nameof(Recommender))
    {
        _history = nn.EmbeddingBag(items, 32, mode: EmbeddingBagMode.Mean);
        _items = nn.Embedding(items, 32);
        RegisterComponents();
    }

    public override Tensor forward(Tensor history, Tensor offsets)
    {
        var user = _history.call(history, offsets).unsqueeze(1);
        var recent = _items.call(history.reshape(offsets.shape[0], -1));
        var attended = F.scaled_dot_product_attention(user, recent, recent);
        return attended.squeeze(1).matmul(_items.weight!.t());
    }
}

public static class RecommenderEmbeddings
{
    public static void Train(Tensor histories, Tensor offsets, Tensor next, long itemCount, int epochs, int seed)
    {
        torch.manual_seed(seed);
        var sampler = new Random(seed);
        var model = new Recommender(itemCount);
        var optimizer = torch.optim.Adam(model.parameters());
        var popularity = F.one_hot(next, itemCount).sum(0);
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var negatives = Enumerable.Range(0, (int)next.shape[0]).Select(_ => (long)sampler.Next((int)itemCount)).ToArray();
            optimizer.zero_grad();
            var scores = model.call(histories, offsets);
            var positive = scores.gather(1, next.unsqueeze(1));
            var negative = scores.gather(1, torch.tensor(negatives).unsqueeze(1));
            var loss = -F.logsigmoid(positive - negative).mean();
            loss.backward();
            optimizer.step();

            var seen = F.one_hot(next, itemCount).to_type(ScalarType.Bool);
            var masked = scores.masked_fill(seen, double.NegativeInfinity);
            var (threshold, _) = masked.kthvalue(10, 1);
            var summary = torch.stack(new[] { loss.detach(), threshold.mean() });
            Console.WriteLine($"epoch {epoch}: {summary[0].item<float>():F4} {summary[1].item<float>():F4} {popularity.max().item<long>()}");
        }
    }
}
