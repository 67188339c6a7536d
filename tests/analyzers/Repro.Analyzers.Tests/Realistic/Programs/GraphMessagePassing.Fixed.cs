using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// repro_target_device: cpu
// The same network trained on the CPU, where TorchSharp's index_add, scatter_add, scatter, weighted bincount,
// kthvalue and cumsum kernels and the backward passes of index_select and gather are deterministic; the project
// declares repro_target_device = cpu so the CUDA-only rules stay silent.
// Node classification on a citation graph: two message-passing layers that sum neighbour
// features, an attention readout over each node's neighbourhood, and per-class statistics logged every epoch.
// The graph arrives as an edge list (source, target); several edges share a target, so any accumulation keyed
// by target repeats indices.
public sealed class MessagePassingLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear _message;
    private readonly TorchSharp.Modules.Linear _update;

    public MessagePassingLayer(long features, long hidden) : base(nameof(MessagePassingLayer))
    {
        _message = nn.Linear(features, hidden);
        _update = nn.Linear(features + hidden, hidden);
        RegisterComponents();
    }

    public override Tensor forward(Tensor nodes, Tensor edges)
    {
        var sources = edges[0];
        var targets = edges[1];
        var messages = _message.call(nodes.index_select(0, sources));
        var summed = torch.zeros(nodes.shape[0], messages.shape[1], device: nodes.device)
            .index_add(0, targets, messages, 1);
        return F.relu(_update.call(torch.cat(new[] { nodes, summed }, 1)));
    }
}

public sealed class CitationNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly MessagePassingLayer _first;
    private readonly MessagePassingLayer _second;
    private readonly TorchSharp.Modules.Linear _classify;

    public CitationNetwork(long features, long hidden, long classes) : base(nameof(CitationNetwork))
    {
        _first = new MessagePassingLayer(features, hidden);
        _second = new MessagePassingLayer(hidden, hidden);
        _classify = nn.Linear(hidden, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor nodes, Tensor edges)
    {
        var hidden = F.dropout(_first.call(nodes, edges), 0.5, training);
        hidden = _second.call(hidden, edges);
        return F.log_softmax(_classify.call(hidden), 1);
    }
}

public static class GraphMessagePassing
{
    public static void Train(Tensor nodes, Tensor edges, Tensor labels, Tensor trainMask, int epochs, long seed)
    {
        torch.manual_seed(seed);
        torch.cuda.manual_seed_all(seed);
        var device = torch.CPU;
        nodes = nodes.to(device);
        edges = edges.to(device);
        labels = labels.to(device);
        trainMask = trainMask.to(device);

        var model = new CitationNetwork(nodes.shape[1], 64, 7).to(device);
        var optimizer = torch.optim.Adam(model.parameters(), 0.01, weight_decay: 5e-4);
        var degree = torch.bincount(edges[1], minlength: nodes.shape[0]);
        var isolated = degree.eq(0);
        var classes = labels.max().item<long>() + 1;

        for (var epoch = 0; epoch < epochs; epoch++)
        {
            model.train();
            optimizer.zero_grad();
            var logProbabilities = model.call(nodes, edges);
            var loss = F.nll_loss(logProbabilities[trainMask], labels[trainMask]);
            loss.backward();
            optimizer.step();

            model.eval();
            using var _ = torch.no_grad();
            var predicted = model.call(nodes, edges).argmax(1);
            predicted[isolated] = torch.tensor(-1L, device: device);
            var correct = predicted.eq(labels).to_type(ScalarType.Float32);
            var perClass = torch.zeros(classes, device: device).scatter_add(0, labels, correct);
            var support = torch.bincount(labels, correct, classes);
            var firstHit = torch.full(classes, -1L, device: device).scatter(0, labels, torch.arange(labels.shape[0], device: device));
            var confidence = logProbabilities.exp().gather(1, labels.unsqueeze(1)).squeeze(1);
            var median = confidence.kthvalue(confidence.shape[0] / 2 + 1, 0).values;
            Console.WriteLine($"epoch {epoch}: loss {loss.item<float>():F4}, accuracy {correct.mean().item<float>():F3}, "
                + $"median confidence {median.item<float>():F3}, first class-0 node {firstHit[0].item<long>()}, "
                + $"class-0 recall {(perClass[0] / support[0].clamp_min(1)).item<float>():F3}");
        }
    }

    // Neighbourhood attention readout for the hardest nodes, run once after training to explain predictions.
    public static Tensor ExplainNeighbours(Tensor nodeFeatures, Tensor neighbourFeatures)
    {
        using var _ = torch.no_grad();
        var query = nodeFeatures.unsqueeze(1);
        var attended = F.scaled_dot_product_attention(query, neighbourFeatures, neighbourFeatures);
        var scores = attended.squeeze(1).norm(1);
        var ranked = scores.cumsum(0);
        return ranked / ranked[^1];
    }
}
