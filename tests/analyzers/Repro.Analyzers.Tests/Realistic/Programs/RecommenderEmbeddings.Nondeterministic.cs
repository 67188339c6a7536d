using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Next-item recommendation: users' histories pooled with an embedding bag, attention over recent items,
// negative sampling, and top-k evaluation.
public sealed class Recommender : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TorchSharp.Modules.EmbeddingBag _history;
    private readonly TorchSharp.Modules.Embedding _items;

    public Recommender(long items) : base(nameof(Recommender))
    {
        _history = nn.{|REPRO1008:{|REPRO2016:EmbeddingBag(items, 32, mode: EmbeddingBagMode.Max)|}|};
        _items = nn.Embedding(items, 32);
        RegisterComponents();
    }

    public override Tensor forward(Tensor history, Tensor offsets)
    {
        var user = _history.call(history, offsets).unsqueeze(1);
        var recent = _items.call(history.reshape(offsets.shape[0], -1));
        var attended = F.{|REPRO2021:scaled_dot_product_attention(user, recent, recent)|};
        return attended.squeeze(1).matmul(_items.weight!.t());
    }
}

public static class RecommenderEmbeddings
{
    public static void Train(Tensor histories, Tensor offsets, Tensor next, long itemCount, int epochs)
    {
        var model = new Recommender(itemCount);
        var optimizer = torch.optim.Adam(model.parameters());
        var popularity = torch.zeros(itemCount);
        popularity.{|REPRO2004:index_put_(torch.ones(next.shape[0]), new[] { next }, accumulate: true)|};
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var negatives = Enumerable.Range(0, (int)next.shape[0]).Select(_ => (long)RandomNumberGenerator.{|REPRO1003:GetInt32((int)itemCount)|}).ToArray();
            optimizer.zero_grad();
            var scores = model.call(histories, offsets);
            var positive = scores.{|REPRO2007:gather(1, next.unsqueeze(1))|};
            var negative = scores.{|REPRO2007:gather(1, torch.tensor(negatives).unsqueeze(1))|};
            var loss = -F.logsigmoid(positive - negative).mean();
            loss.backward();
            optimizer.step();

            var seen = torch.zeros_like(scores, ScalarType.Bool);
            // Repeated positions all receive the same `true`, so this write is deterministic and not reported.
            seen[torch.arange(next.shape[0]), next] = torch.tensor(true);
            var masked = scores.masked_fill(seen, double.NegativeInfinity);
            var (threshold, _) = masked.{|REPRO2019:kthvalue(10, 1)|};
            var summary = torch.zeros(2).{|REPRO2006:index_copy(0, torch.tensor(new long[] { 0, 1 }), torch.stack(new[] { loss.detach(), threshold.mean() }))|};
            Console.WriteLine($"epoch {epoch}: {summary[0].item<float>():F4} {summary[1].item<float>():F4} {popularity.max().item<float>()}");
        }
    }
}
