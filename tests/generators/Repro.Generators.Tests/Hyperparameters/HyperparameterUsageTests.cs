using Repro.Generators.Hyperparameters;

namespace Repro.Generators.Tests.Hyperparameters;

/// <summary>--help generated at compile time, and the one-call binding that exits cleanly on a bad configuration.</summary>
public class HyperparameterUsageTests
{
    private const string Config = """
        namespace Training;

        public enum Optimizer { Sgd, Adam }

        public sealed partial class OptimizerConfig
        {
            [Repro.Hyperparameter(Min = 0, Max = 1)]
            public double Beta1 { get; set; } = 0.9;
        }

        public sealed partial class TrainingConfig
        {
            [Repro.Hyperparameter(Description = "Step size", Min = 0, Max = 1)]
            public double LearningRate { get; set; } = 0.001;

            [Repro.Hyperparameter(Unit = "samples", Min = 1)]
            public int BatchSize { get; set; } = 64;

            [Repro.Hyperparameter]
            public Optimizer Optimizer { get; set; } = Optimizer.Adam;

            [Repro.Hyperparameter(AllowedValues = new[] { "cpu", "cuda" }, Required = true)]
            public string Device { get; set; } = "cpu";

            [Repro.Hyperparameter]
            public int[] Layers { get; set; } = new[] { 32, 16 };

            [Repro.Hyperparameter]
            public OptimizerConfig Adam { get; set; } = new();
        }
        """;

    [Fact]
    public void Help_lists_every_hyperparameter_with_type_default_rules_description_and_variable_and_exits_0()
    {
        var config = Create();
        var (code, output, error) = Bind(config, "--help");

        Assert.Equal(0, code);
        Assert.Empty(error);
        var lines = output.Split('\n');
        Assert.StartsWith("Usage: train [options]", lines[0], StringComparison.Ordinal);
        AssertLine(lines, "--learning-rate <double>", "Step size; range: 0..1 [default: 0.001] [env: REPRO_HP_LEARNING_RATE]");
        AssertLine(lines, "--batch-size <int>", "unit: samples; range: 1.. [default: 64] [env: REPRO_HP_BATCH_SIZE]");
        AssertLine(lines, "--optimizer <Optimizer>", "[default: Adam] [env: REPRO_HP_OPTIMIZER]");
        AssertLine(lines, "--device <string>", "one of: cpu, cuda; required [default: \"cpu\"] [env: REPRO_HP_DEVICE]");
        AssertLine(lines, "--layers <int,...>", "[default: [32, 16]] [env: REPRO_HP_LAYERS]");
        AssertLine(lines, "--adam.beta1 <double>", "range: 0..1 [default: 0.9] [env: REPRO_HP_ADAM__BETA1]");
        Assert.Contains(lines, l => l.TrimStart().StartsWith("--help", StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_shown_are_the_values_before_binding_even_when_the_command_line_sets_others()
    {
        var config = Create();
        var (code, output, _) = Bind(config, "--learning-rate", "0.5", "--help");

        Assert.Equal(0, code);
        Assert.Contains("[default: 0.001]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_out_of_range_is_reported_with_the_usage_on_standard_error_and_exit_code_2()
    {
        var (code, output, error) = Bind(Create(), "--learning-rate", "5");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("The configuration has a problem:", error, StringComparison.Ordinal);
        Assert.Contains("learning_rate", error.Split('\n')[1], StringComparison.Ordinal);
        Assert.Contains("--learning-rate <double>", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_options_malformed_values_and_nested_problems_are_all_listed_at_once()
    {
        var (code, _, error) = Bind(Create(), "--lerning-rate", "0.1", "--batch-size", "many", "--adam.beta1", "x", "--device", "tpu");

        Assert.Equal(2, code);
        Assert.Contains("--lerning-rate", error, StringComparison.Ordinal);
        Assert.Contains("batch_size", error, StringComparison.Ordinal);
        Assert.Contains("beta1", error, StringComparison.Ordinal);
        Assert.Contains("tpu", error, StringComparison.Ordinal); // a rule broken by a value that did bind
        Assert.Matches("The configuration has [3-9] problems:", error);
    }

    [Fact]
    public void A_valid_configuration_is_bound_and_nothing_is_written()
    {
        var config = Create();
        var (code, output, error) = Bind(config, "--learning-rate=0.25", "--adam.beta1", "0.8");

        Assert.Null(code);
        Assert.Empty(output + error);
        Assert.Contains("\"learning_rate\":0.25", config.ToCanonicalJson(), StringComparison.Ordinal);
        Assert.Contains("\"beta1\":0.8", config.ToCanonicalJson(), StringComparison.Ordinal);
    }

    private static void AssertLine(string[] lines, string option, string rest)
    {
        var line = Assert.Single(lines, l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        Assert.EndsWith(rest, line, StringComparison.Ordinal);
    }

    private static (int? Code, string Output, string Error) Bind(IHyperparameters config, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = HyperparametersExtensions.BindOrExitCode(config, args, new Dictionary<string, string?>(), output, error, "train");
        return (code, output.ToString(), error.ToString());
    }

    private static IHyperparameters Create()
    {
        var (output, diagnostics, _) = GeneratorHarness.Run(new HyperparameterGenerator(), Config);
        Assert.Empty(diagnostics);
        return (IHyperparameters)Activator.CreateInstance(GeneratorHarness.Load(output).GetType("Training.TrainingConfig")!)!;
    }
}
