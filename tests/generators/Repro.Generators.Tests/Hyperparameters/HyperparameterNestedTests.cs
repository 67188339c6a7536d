using Repro.Generators.Hyperparameters;

namespace Repro.Generators.Tests.Hyperparameters;

public class HyperparameterNestedTests
{
    private const string Config = """
        namespace Training;

        public sealed partial class OptimizerConfig
        {
            [Repro.Hyperparameter(Min = 0, Max = 1)]
            public double Beta1 { get; set; } = 0.9;

            [Repro.Hyperparameter(Description = "Step size", Min = 0)]
            public double LearningRate { get; set; } = 0.001;
        }

        public sealed partial class RunConfig
        {
            [Repro.Hyperparameter]
            public int Epochs { get; set; } = 10;

            [Repro.Hyperparameter]
            public OptimizerConfig Optimizer { get; set; } = new();
        }
        """;

    [Fact]
    public void A_nested_configuration_is_a_nested_canonical_object()
    {
        Assert.Equal("""{"epochs":10,"optimizer":{"beta1":0.9,"learning_rate":0.001}}""", Create().ToCanonicalJson());
    }

    [Fact]
    public void Nested_values_bind_from_dotted_options_and_double_underscore_variables()
    {
        var config = Create();

        config.Bind(["--optimizer.learning-rate", "0.01", "--epochs=3"], new Dictionary<string, string?> { ["REPRO_HP_OPTIMIZER__BETA1"] = "0.8", ["REPRO_HP_EPOCHS"] = "5" });

        Assert.Equal("""{"epochs":3,"optimizer":{"beta1":0.8,"learning_rate":0.01}}""", config.ToCanonicalJson());
    }

    [Fact]
    public void Nested_problems_are_named_with_their_path()
    {
        var config = Create();

        var error = Assert.Throws<HyperparameterException>(() => config.Bind(["--optimizer.beta1", "x", "--optimizer.momentum", "1", "--epoch", "1"], new Dictionary<string, string?>()));
        config.Bind(["--optimizer.beta1", "2"], new Dictionary<string, string?>());

        Assert.Equal(3, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("optimizer.beta1: 'x' is not a number", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("optimizer: unknown option --momentum", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("unknown option --epoch;", StringComparison.Ordinal));
        Assert.Equal(["optimizer.beta1 is 2; it must be from 0 to 1"], config.Validate());
        Assert.Contains("optimizer.learning_rate = 0.001 — Step size", config.ToSummary(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_on_a_nested_configuration_itself_are_refused()
    {
        var (_, _, result) = GeneratorHarness.Run(new HyperparameterGenerator(), Config.Replace("[Repro.Hyperparameter]\n    public OptimizerConfig", "[Repro.Hyperparameter(Required = true)]\n    public OptimizerConfig", StringComparison.Ordinal));

        Assert.Equal("REPRO3104", Assert.Single(result.Diagnostics).Id);
    }

    private static IHyperparameters Create()
    {
        var (output, diagnostics, _) = GeneratorHarness.Run(new HyperparameterGenerator(), Config);
        Assert.Empty(diagnostics);
        return (IHyperparameters)Activator.CreateInstance(GeneratorHarness.Load(output).GetType("Training.RunConfig")!)!;
    }
}
