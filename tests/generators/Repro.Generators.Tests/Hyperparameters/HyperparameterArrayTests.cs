using Repro.Generators.Hyperparameters;

namespace Repro.Generators.Tests.Hyperparameters;

public class HyperparameterArrayTests
{
    private const string Config = """
        namespace Training;

        public enum Mode { Fast, Exact }

        public sealed partial class ScheduleConfig
        {
            [Repro.Hyperparameter(Description = "Hidden layer widths", Min = 1)]
            public int[] Layers { get; set; } = { 64, 32 };

            [Repro.Hyperparameter]
            public System.TimeSpan Timeout { get; set; } = System.TimeSpan.FromSeconds(30);

            [Repro.Hyperparameter(AllowedValues = new[] { "flip", "crop" }, Required = true)]
            public string[] Augmentations { get; set; } = { "flip" };

            [Repro.Hyperparameter]
            public double[] Betas { get; set; } = { 0.9, 0.999 };

            [Repro.Hyperparameter]
            public Mode[] Modes { get; set; } = { Mode.Fast };

            [Repro.Hyperparameter]
            public System.TimeSpan[] Checkpoints { get; set; } = System.Array.Empty<System.TimeSpan>();
        }
        """;

    [Fact]
    public void Arrays_and_durations_have_a_canonical_form()
    {
        Assert.Equal(
            """{"augmentations":["flip"],"betas":[0.9,0.999],"checkpoints":[],"layers":[64,32],"modes":["Fast"],"timeout":"00:00:30"}""",
            Create().ToCanonicalJson());
    }

    [Fact]
    public void Lists_bind_from_comma_separated_values_and_durations_from_invariant_text()
    {
        var config = Create();

        config.Bind(["--layers", "128, 64,16", "--timeout", "00:01:30", "--modes", "exact,fast", "--checkpoints", "00:10:00,1.00:00:00", "--augmentations", ""], new Dictionary<string, string?>());

        Assert.Equal(
            """{"augmentations":[],"betas":[0.9,0.999],"checkpoints":["00:10:00","1.00:00:00"],"layers":[128,64,16],"modes":["Exact","Fast"],"timeout":"00:01:30"}""",
            config.ToCanonicalJson());
        Assert.Equal(["augmentations is required"], config.Validate());
    }

    [Fact]
    public void Each_bad_element_is_named_by_its_position()
    {
        var config = Create();

        var error = Assert.Throws<HyperparameterException>(() => config.Bind(["--layers", "1,x,3", "--timeout", "soon", "--betas", "0.5,high"], new Dictionary<string, string?>()));

        Assert.Equal(3, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("layers[1]: 'x' is not a whole number", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("timeout: 'soon' is not a duration", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("betas[1]: 'high' is not a number", StringComparison.Ordinal));
        Assert.Contains("\"layers\":[64,32]", config.ToCanonicalJson(), StringComparison.Ordinal); // a bad list leaves the value as it was
    }

    [Fact]
    public void Rules_apply_to_every_element()
    {
        var config = Create();
        config.Bind(["--layers", "8,0,-1", "--augmentations", "flip,rotate"], new Dictionary<string, string?>());

        var problems = config.Validate();

        string[] expected = ["augmentations[1] is 'rotate'; it must be one of flip, crop", "layers[1] is 0; it must be at least 1", "layers[2] is -1; it must be at least 1"];
        Assert.Equal(expected, problems.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_summary_shows_lists_and_durations()
    {
        var summary = Create().ToSummary();

        Assert.Contains("layers        = [64, 32] — Hidden layer widths", summary, StringComparison.Ordinal);
        Assert.Contains("timeout       = 00:00:30", summary, StringComparison.Ordinal);
    }

    private static IHyperparameters Create()
    {
        var (output, diagnostics, _) = GeneratorHarness.Run(new HyperparameterGenerator(), Config);
        Assert.Empty(diagnostics);
        return (IHyperparameters)Activator.CreateInstance(GeneratorHarness.Load(output).GetType("Training.ScheduleConfig")!)!;
    }
}
