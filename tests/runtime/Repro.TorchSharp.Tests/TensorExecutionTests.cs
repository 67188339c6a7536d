using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Tests;

/// <summary>Proof that libtorch really executes here: forward ops and autograd.</summary>
public class TensorExecutionTests
{
    [Fact]
    public void A_matrix_product_is_computed_by_libtorch()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);

        using var product = a.matmul(b);

        Assert.Equal([19f, 22f, 43f, 50f], product.data<float>().ToArray());
    }

    [Fact]
    public void Backward_computes_the_gradient_of_a_small_network()
    {
        // y = sum((w·x)^2): dy/dw = 2 (w·x) x
        using var x = tensor(new float[] { 1, 2 });
        using var w = tensor(new float[] { 0.5f, -1 }, requires_grad: true);

        using var y = w.dot(x).pow(2);
        y.backward();

        Assert.Equal([-3f, -6f], w.grad!.data<float>().ToArray());
    }

    [Fact]
    public void An_optimizer_step_lowers_the_loss()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(1);
        var model = nn.Linear(3, 1);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var inputs = randn(32, 3);
        var targets = inputs.sum(1, keepdim: true);

        double Loss() => nn.functional.mse_loss(model.forward(inputs), targets).item<float>();
        var before = Loss();
        for (var i = 0; i < 20; i++)
        {
            optimizer.zero_grad();
            nn.functional.mse_loss(model.forward(inputs), targets).backward();
            optimizer.step();
        }

        Assert.True(Loss() < before / 2, $"loss went from {before} to {Loss()}");
    }
}
