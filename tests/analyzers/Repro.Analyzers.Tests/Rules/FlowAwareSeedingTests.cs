using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Rules;

/// <summary>
/// REPRO1008 and REPRO1009 in programs and test projects follow each entry point through calls, constructors, field
/// initializers and container resolutions, in the order they run: a seed counts for what runs after it on every
/// path, and a seed on one entry point no longer silences another.
/// </summary>
public class FlowAwareSeedingTests
{
    // The minimum of a container and a test framework, by the names the analyzer recognises.
    private const string Support = """
        namespace Xunit { public sealed class FactAttribute : System.Attribute { } }
        public static class ServiceProviderExtensions { public static T GetRequiredService<T>(this System.IServiceProvider provider) => default!; }
        """;

    [Fact]
    public Task Weights_drawn_in_a_constructor_that_runs_before_the_seed_are_reported_at_the_draw_naming_the_entry_point()
    {
        var test = Program("""
            var trainer = new Trainer();
            torch.manual_seed(7);
            trainer.Train();

            sealed class Trainer
            {
                private readonly nn.Module<Tensor, Tensor> _layer = nn.{|#0:Linear(4, 2)|};

                public void Train() => _layer.call(torch.ones(4));
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult("REPRO1008", DiagnosticSeverity.Warning).WithLocation(0)
            .WithArguments("nn.Linear", "before anything on the path from the top-level statements calls torch.manual_seed"));
        return test.RunAsync();
    }

    [Fact]
    public Task The_same_constructor_after_the_seed_is_not_reported() => Program("""
        torch.manual_seed(7);
        var trainer = new Trainer(4);
        trainer.Train();

        sealed class Trainer(int inputs)
        {
            private readonly nn.Module<Tensor, Tensor> _layer = nn.Linear(inputs, 2);

            public void Train() => _layer.call(torch.rand(inputs));
        }
        """).RunAsync();

    [Fact]
    public Task A_seed_in_a_helper_called_first_counts_and_a_base_constructor_runs_before_the_derived_body() => Program("""
        Seeding.Apply(7);
        var model = new Classifier();

        static class Seeding
        {
            public static void Apply(long seed) { torch.manual_seed(seed); }
        }

        abstract class Network
        {
            protected readonly nn.Module<Tensor, Tensor> Encoder = nn.Linear(8, 4);
        }

        sealed class Classifier : Network
        {
            private readonly nn.Module<Tensor, Tensor> _head;

            public Classifier() { _head = nn.Linear(4, 2); }
        }
        """).RunAsync();

    [Fact]
    public Task A_container_builds_dependencies_where_they_are_resolved_so_resolving_before_the_seed_is_reported() => Program("""
        var provider = (System.IServiceProvider)null!;
        var trainer = provider.GetRequiredService<Trainer>();
        torch.manual_seed(7);
        trainer.Train();

        sealed class Encoder
        {
            public readonly nn.Module<Tensor, Tensor> Layer = nn.{|REPRO1008:Linear(8, 4)|};
        }

        sealed class Trainer(Encoder encoder)
        {
            private readonly nn.Module<Tensor, Tensor> _head = nn.{|REPRO1008:Linear(4, 2)|};

            public void Train() => _head.call(encoder.Layer.call(torch.ones(8)));
        }
        """).RunAsync();

    [Fact]
    public Task A_container_resolving_after_the_seed_is_not_reported() => Program("""
        var provider = (System.IServiceProvider)null!;
        torch.manual_seed(7);
        var trainer = provider.GetRequiredService<Trainer>();

        sealed class Trainer
        {
            private readonly nn.Module<Tensor, Tensor> _head = nn.Linear(4, 2);
        }
        """).RunAsync();

    [Fact]
    public Task A_second_entry_point_without_a_seed_is_reported_though_main_seeds() => Program("""
        torch.manual_seed(7);
        var weights = torch.randn(3, 3);

        public class ModelTests
        {
            [Xunit.Fact]
            public void Forward_has_the_right_shape()
            {
                var noise = torch.{|REPRO1008:rand(2, 3)|};
            }

            [Xunit.Fact]
            public void Seeded_forward()
            {
                torch.manual_seed(1);
                var noise = torch.rand(2, 3);
            }
        }
        """).RunAsync();

    [Fact]
    public Task A_test_class_constructor_runs_before_each_test() => Program("""
        torch.manual_seed(7);

        public class LayerTests
        {
            private readonly nn.Module<Tensor, Tensor> _layer = nn.{|REPRO1008:Linear(3, 3)|};

            [Xunit.Fact]
            public void Output_is_finite()
            {
                torch.manual_seed(1);
                _layer.call(torch.ones(3));
            }
        }
        """).RunAsync();

    [Fact]
    public Task An_early_return_before_the_seed_leaves_the_rest_seeded_but_a_seed_on_one_branch_does_not() => Program("""
        if (args.Length == 0)
        {
            return;
        }

        Other.Run(args.Length > 1);
        torch.manual_seed(7);
        var seeded = torch.randn(3);

        static class Other
        {
            public static void Run(bool fast)
            {
                if (fast)
                {
                    torch.manual_seed(1);
                }

                var weights = torch.{|REPRO1008:randn(3)|};
            }
        }
        """).RunAsync();

    [Fact]
    public Task A_seed_inside_a_loop_may_never_run_and_a_draw_before_it_in_the_body_runs_unseeded_the_first_time() => Program("""
        Loops.SeedInLoop(args.Length);
        Loops.DrawThenSeed(args.Length);

        static class Loops
        {
            public static void SeedInLoop(int runs)
            {
                for (var i = 0; i < runs; i++)
                {
                    torch.manual_seed(i);
                }

                var weights = torch.{|REPRO1008:randn(3)|};
            }

            public static void DrawThenSeed(int runs)
            {
                while (runs-- > 0)
                {
                    var noise = torch.{|REPRO1008:rand(3)|};
                    torch.manual_seed(runs);
                }
            }
        }
        """).RunAsync();

    [Fact]
    public Task Cpu_only_seeding_is_reported_only_on_the_entry_point_that_uses_cuda() => Program("""
        torch.manual_seed(7);
        var cpuModel = nn.Linear(3, 3);

        public class GpuTests
        {
            [Xunit.Fact]
            public void Runs_on_the_gpu()
            {
                {|REPRO1009:torch.manual_seed(1)|};
                var model = nn.Linear(3, 3).cuda();
            }
        }
        """).RunAsync();

    [Fact]
    public Task A_method_that_returns_early_when_cuda_is_available_does_not_need_cuda_seeding() => Program("""
        CpuBaseline.Run();
        GpuRun.Run();

        static class CpuBaseline
        {
            public static void Run()
            {
                if (torch.cuda.is_available())
                {
                    return;
                }

                torch.manual_seed(3);
                var model = nn.Linear(3, 3);
            }
        }

        static class GpuRun
        {
            public static void Run()
            {
                torch.manual_seed(3);
                torch.cuda.manual_seed(3);
                var model = nn.Linear(3, 3).cuda();
            }
        }
        """).RunAsync();

    [Fact]
    public Task Seeding_cuda_only_when_the_device_is_cuda_is_enough() => Program("""
        var seed = 7;
        torch.manual_seed(seed);
        var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.manual_seed(seed);
        }

        var model = nn.Linear(3, 3).to(device);
        var noise = torch.randn(3, device: device);
        """).RunAsync();

    [Fact]
    public Task A_cpu_seed_in_a_program_that_never_seeds_cuda_is_still_reported() => Program("""
        var seed = 7;
        {|REPRO1009:torch.manual_seed(seed)|};
        var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        var model = nn.Linear(3, 3).to(device);
        """).RunAsync();

    [Fact]
    public Task Code_no_entry_point_reaches_is_not_reported_in_a_program() => Program("""
        System.Console.WriteLine("evaluation only");

        sealed class Unused
        {
            private readonly nn.Module<Tensor, Tensor> _layer = nn.Linear(3, 3);

            public Tensor Noise() => torch.rand(3);
        }

        sealed class Box(int size)
        {
            public Tensor Make() => torch.rand(size);
        }
        """).RunAsync();

    private static Microsoft.CodeAnalysis.CSharp.Testing.CSharpAnalyzerTest<TorchSeedingAnalyzer, DefaultVerifier> Program(string source)
    {
        var test = TorchAnalyzerTest.Create<TorchSeedingAnalyzer>(TorchAnalyzerTest.Usings + source);
        test.TestState.Sources.Add(Support);
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        return test;
    }
}
