using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Rules;

/// <summary>
/// In training code, the rules about nondeterministic backward kernels are silent where gradients are off
/// (<c>torch.no_grad()</c>, <c>torch.inference_mode()</c>): no backward pass can run through what is computed there.
/// Forward hazards stay reported inside those scopes, and code outside them (before the declaration, after the
/// block, in a lambda that may run elsewhere) stays reported.
/// </summary>
public class GradientScopeTests
{
    private const string Model = TorchAnalyzerTest.Usings + """
        sealed class Trainer
        {
            private readonly nn.Module<Tensor, Tensor> _pool = nn.{|REPRO2010:AdaptiveAvgPool2d(1)|};

            public void Step(Tensor images, Tensor labels)
            {
                _pool.call(images).sum().backward();
            }

        """;

    [Fact]
    public Task An_evaluation_after_using_var_no_grad_is_silent_about_backward_kernels_but_not_forward_ones() =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(Model + """
                public Tensor Evaluate(Tensor scores, Tensor labels)
                {
                    var before = scores.{|REPRO2007:gather(1, labels)|};
                    using var _ = torch.no_grad();
                    var picked = scores.gather(1, labels);
                    var resized = F.interpolate(scores, scale_factor: new[] { 2.0 }, mode: InterpolationMode.Bilinear);
                    return torch.zeros(10).{|REPRO2001:index_add(0, labels, picked + before + resized.sum(), 1)|};
                }
            }
            """, device: "cuda").RunAsync();

    [Fact]
    public Task A_using_block_covers_its_body_only() =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(Model + """
                public Tensor Evaluate(Tensor scores, Tensor labels)
                {
                    Tensor picked;
                    using (torch.no_grad())
                    {
                        picked = scores.gather(1, labels);
                    }

                    using (var mode = torch.inference_mode())
                    {
                        picked = picked + scores.index_select(0, labels);
                    }

                    return picked + scores.{|REPRO2007:gather(1, labels)|};
                }
            }
            """, device: "cuda").RunAsync();

    [Fact]
    public Task A_lambda_defined_under_no_grad_is_judged_where_it_may_run() =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(Model + """
                public Func<Tensor, Tensor> Selector(Tensor labels)
                {
                    using var _ = torch.no_grad();
                    return scores => scores.{|REPRO2007:gather(1, labels)|};
                }
            }
            """, device: "cuda").RunAsync();

    [Fact]
    public Task No_grad_in_another_method_does_not_cover_a_callee() =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(Model + """
                public Tensor Evaluate(Tensor scores, Tensor labels)
                {
                    using var _ = torch.no_grad();
                    return Pick(scores, labels);
                }

                private static Tensor Pick(Tensor scores, Tensor labels) => scores.{|REPRO2007:gather(1, labels)|};
            }
            """, device: "cuda").RunAsync();
}
