using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using TorchSharp;
using static TorchSharp.torch;

// output: exe
// repro_target_device: cpu
// Fixed: seeded before the composition root builds the agent, every Random seeded from the settings, a fixed
// default seed instead of the clock, a constant environment seed. The project runs on the CPU (declared), so the
// cuBLAS reminder does not apply.
// A deep Q-learning agent for a grid world, as a console program: a composition root builds the agent, then
// training seeds and runs episodes. The agent's network draws its weights when it is constructed, so whether
// those weights repeat depends on what runs first.
public sealed record AgentSettings(int Seed, int Episodes, double Gamma, int BatchSize);

public sealed class QNetwork : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear _hidden;
    private readonly TorchSharp.Modules.Linear _values;

    public QNetwork(int states, int actions) : base(nameof(QNetwork))
    {
        _hidden = nn.Linear(states, 64);
        _values = nn.Linear(64, actions);
        RegisterComponents();
    }

    public override Tensor forward(Tensor state) => _values.call(nn.functional.relu(_hidden.call(state)));
}

public sealed class ReplayBuffer
{
    private readonly List<(Tensor State, long Action, float Reward, Tensor Next)> _items = new();
    private readonly Random _sampler;

    public ReplayBuffer(int seed) => _sampler = new Random(seed);

    public void Add(Tensor state, long action, float reward, Tensor next) => _items.Add((state, action, reward, next));

    public IReadOnlyList<(Tensor State, long Action, float Reward, Tensor Next)> Sample(int count) =>
        Enumerable.Range(0, count).Select(_ => _items[_sampler.Next(_items.Count)]).ToList();
}

public sealed class Agent
{
    private readonly QNetwork _network;
    private readonly ReplayBuffer _buffer;
    private readonly AgentSettings _settings;
    private readonly Random _exploration;

    public Agent(AgentSettings settings)
    {
        _settings = settings;
        _network = new QNetwork(16, 4);
        _buffer = new ReplayBuffer(settings.Seed);
        _exploration = new Random(settings.Seed + 1);
    }

    public void Train(Device device)
    {
        var optimizer = torch.optim.Adam(_network.parameters(), 1e-3);
        for (var episode = 0; episode < _settings.Episodes; episode++)
        {
            var state = torch.zeros(16, device: device);
            var epsilon = Math.Max(0.05, 1.0 - episode / 200.0);
            for (var step = 0; step < 50; step++)
            {
                var action = _exploration.NextDouble() < epsilon
                    ? _exploration.Next(4)
                    : _network.call(state).argmax().item<long>();
                var noise = torch.randn(16, device: device) * 0.01;
                var next = (state + noise).clamp(0, 1);
                _buffer.Add(state, action, _exploration.NextSingle() < 0.1 ? 1f : 0f, next);
                state = next;
            }

            var batch = _buffer.Sample(_settings.BatchSize);
            optimizer.zero_grad();
            var loss = batch.Select(item => (_network.call(item.State)[item.Action] - item.Reward).pow(2)).Aggregate((a, b) => a + b);
            loss.backward();
            optimizer.step();
        }
    }
}

public static class GridWorldProgram
{
    public static void Main(string[] args)
    {
        var seed = args.Length > 0 ? int.Parse(args[0]) : 20261204;
        var settings = new AgentSettings(seed, 500, 0.99, 32);

        // Seed first: the agent's network draws its weights in its constructor.
        torch.manual_seed(settings.Seed);
        var agent = new Agent(settings);
        var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.manual_seed(settings.Seed);
        }

        var runName = "agent-" + RandomNumberGenerator.GetHexString(8).ToLowerInvariant();
        const int environmentSeed = 2;
        var layouts = new torch.Generator((ulong)environmentSeed);
        var walls = torch.rand(new long[] { 4, 4 }, generator: layouts).lt(0.2);
        Console.WriteLine($"{runName}: seed {settings.Seed}, {walls.sum().item<long>()} walls");
        agent.Train(device);
    }
}
