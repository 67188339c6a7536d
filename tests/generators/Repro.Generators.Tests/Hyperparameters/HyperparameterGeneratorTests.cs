using System.Globalization;
using Microsoft.CodeAnalysis;
using Repro.Events;
using Repro.Generators.Hyperparameters;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Generators.Tests.Hyperparameters;

[Collection(SequentialRuns.Name)]
public class HyperparameterGeneratorTests
{
    private const string Config = """
        namespace Training;

        public enum Optimizer { Sgd, Adam }

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
            public bool Shuffle { get; set; } = true;

            [Repro.Hyperparameter]
            public long Seed { get; set; } = 20261126;

            [Repro.Hyperparameter]
            public float Dropout { get; set; } = 0.1f;
        }
        """;

    private const string CanonicalDefaults =
        """{"batch_size":64,"device":"cpu","dropout":0.10000000149011612,"learning_rate":0.001,"optimizer":"Adam","seed":20261126,"shuffle":true}""";

    [Fact]
    public void Canonical_JSON_and_hash_are_the_same_in_any_culture()
    {
        var config = Create(Config);
        var expectedHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(CanonicalDefaults)));
        var original = CultureInfo.CurrentCulture;
        try
        {
            foreach (var culture in new[] { "de-DE", "tr-TR", "fr-FR", "ar-SA" })
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
                Assert.Equal(CanonicalDefaults, config.ToCanonicalJson());
                Assert.Equal(expectedHash, config.ComputeHash());
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    [Fact]
    public void Declarations_in_another_order_give_the_same_hash()
    {
        var swapped = Config.Replace(
            """
                [Repro.Hyperparameter(Description = "Step size", Min = 0, Max = 1)]
                public double LearningRate { get; set; } = 0.001;

                [Repro.Hyperparameter(Unit = "samples", Min = 1)]
                public int BatchSize { get; set; } = 64;
            """,
            """
                [Repro.Hyperparameter(Unit = "samples", Min = 1)]
                public int BatchSize { get; set; } = 64;

                [Repro.Hyperparameter(Description = "Step size", Min = 0, Max = 1)]
                public double LearningRate { get; set; } = 0.001;
            """,
            StringComparison.Ordinal);
        Assert.NotEqual(Config, swapped);

        Assert.Equal(Create(Config).ComputeHash(), Create(swapped).ComputeHash());
    }

    [Fact]
    public void A_changed_value_changes_the_hash()
    {
        var config = Create(Config);
        var before = config.ComputeHash();
        config.Bind(["--batch-size", "65"], new Dictionary<string, string?>());

        Assert.NotEqual(before, config.ComputeHash());
    }

    [Fact]
    public void Validation_reports_every_violation_at_once()
    {
        var config = Create(Config);
        config.Bind(["--learning-rate", "2", "--batch-size", "0", "--device", "tpu"], new Dictionary<string, string?>());

        var problems = config.Validate();

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("learning_rate is 2; it must be from 0 to 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("batch_size is 0; it must be at least 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("device is 'tpu'; it must be one of cpu, cuda", StringComparison.Ordinal));
    }

    [Fact]
    public void The_command_line_beats_the_environment_which_beats_the_defaults()
    {
        var config = Create(Config);
        var environment = new Dictionary<string, string?> { ["REPRO_HP_LEARNING_RATE"] = "0.01", ["REPRO_HP_BATCH_SIZE"] = "128", ["REPRO_HP_OPTIMIZER"] = "sgd" };

        config.Bind(["data.csv", "--learning-rate=0.02", "--shuffle", "false"], environment);

        Assert.Contains("\"learning_rate\":0.02", config.ToCanonicalJson(), StringComparison.Ordinal);
        Assert.Contains("\"batch_size\":128", config.ToCanonicalJson(), StringComparison.Ordinal);
        Assert.Contains("\"optimizer\":\"Sgd\"", config.ToCanonicalJson(), StringComparison.Ordinal);
        Assert.Contains("\"shuffle\":false", config.ToCanonicalJson(), StringComparison.Ordinal);
        Assert.Contains("\"seed\":20261126", config.ToCanonicalJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_options_and_malformed_values_are_all_reported_together()
    {
        var config = Create(Config);

        var error = Assert.Throws<HyperparameterException>(() => config.Bind(
            ["--learning-rate", "0,5", "--batch-size", "many", "--optimiser", "adam", "--optimizer", "rmsprop", "--seed"],
            new Dictionary<string, string?>()));

        Assert.Equal(5, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.Contains("learning_rate: '0,5' is not a number", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("batch_size: 'many' is not a whole number", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("unknown option --optimiser", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("'rmsprop' is not one of Sgd, Adam", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("--seed needs a value", StringComparison.Ordinal));
    }

    [Fact]
    public void The_summary_lists_every_hyperparameter_with_unit_and_description()
    {
        var summary = Create(Config).ToSummary().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(7, summary.Length);
        Assert.Contains("batch_size    = 64 samples", summary);
        Assert.Contains("learning_rate = 0.001 — Step size", summary);
        Assert.Contains("device        = \"cpu\"", summary);
    }

    [Fact]
    public void Recording_puts_the_configuration_in_the_manifest_and_the_log()
    {
        var config = Create(Config);
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            run.RecordHyperparameters(config);
        }

        var store = new RunStore(home.Path);
        var manifest = store.GetRun(runId);
        Assert.Equal(config.ComputeHash(), manifest.ConfigHash);
        Assert.Equal(64, manifest.Hyperparameters!.Value.GetProperty("batch_size").GetInt32());
        var recorded = Assert.Single(store.ReadEvents(runId), e => e.ValueCase == Event.ValueOneofCase.Hyperparameters);
        Assert.Equal(CanonicalDefaults, recorded.Hyperparameters.CanonicalJson);
    }

    [Fact]
    public void An_invalid_configuration_is_refused_and_not_recorded()
    {
        var config = Create(Config);
        config.Bind(["--learning-rate", "5"], new Dictionary<string, string?>());
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero });

        var error = Assert.Throws<HyperparameterException>(() => run.RecordHyperparameters(config));

        Assert.Contains("learning_rate", error.Message, StringComparison.Ordinal);
        Assert.Null(run.Manifest.ConfigHash);
    }

    [Theory]
    [InlineData("class C { [Repro.Hyperparameter] public int A { get; set; } }", "REPRO3101")]
    [InlineData("partial class C { [Repro.Hyperparameter] public decimal A { get; set; } }", "REPRO3102")]
    [InlineData("partial class C { [Repro.Hyperparameter] public int A { get; } }", "REPRO3103")]
    [InlineData("partial class C { [Repro.Hyperparameter] public int A { get; init; } }", "REPRO3103")]
    [InlineData("partial class C { [Repro.Hyperparameter(Min = 1)] public string A { get; set; } = \"\"; }", "REPRO3104")]
    [InlineData("partial class C { [Repro.Hyperparameter(Min = 2, Max = 1)] public int A { get; set; } }", "REPRO3104")]
    [InlineData("partial class C { [Repro.Hyperparameter(Required = true)] public int A { get; set; } }", "REPRO3104")]
    [InlineData("partial class C { [Repro.Hyperparameter(AllowedValues = new[] { \"x\" })] public bool A { get; set; } }", "REPRO3104")]
    public void Each_mistake_gets_its_diagnostic_and_no_code(string source, string id)
    {
        var (_, _, result) = GeneratorHarness.Run(new HyperparameterGenerator(), source);

        Assert.Equal(id, Assert.Single(result.Diagnostics).Id);
        Assert.Empty(result.Results[0].GeneratedSources);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "docs", "rules", id + ".md")), $"docs/rules/{id}.md is missing");
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached_and_no_step_holds_compiler_objects()
    {
        var compilation = GeneratorHarness.CreateCompilation(Config, "class Other { int X => 1; }");
        var driver = GeneratorHarness.CreateDriver(new HyperparameterGenerator()).RunGenerators(compilation);
        var other = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(other, other.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("class Other { int X => 2; }")));

        var result = driver.RunGenerators(edited).GetRunResult().Results[0];

        foreach (var name in new[] { HyperparameterGenerator.TrackingNames.Properties, HyperparameterGenerator.TrackingNames.Types })
        {
            var outputs = result.TrackedSteps[name].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {o.Reason}"));
            Assert.All(outputs, o => Assert.False(o.Value is Compilation or ISymbol or SyntaxNode));
        }
    }

    private static IHyperparameters Create(string source)
    {
        var (output, diagnostics, _) = GeneratorHarness.Run(new HyperparameterGenerator(), source);
        Assert.Empty(diagnostics);
        return (IHyperparameters)Activator.CreateInstance(GeneratorHarness.Load(output).GetType("Training.TrainingConfig")!)!;
    }
}
