using Repro.Generators.Hyperparameters;

namespace Repro.Generators.Tests.Hyperparameters;

/// <summary>
/// <c>Secret</c> and <c>Sensitive</c> hyperparameters: the generated configuration names them (nested ones by their
/// dotted key) for the runtime's redaction, and its summary and --help never show their values.
/// </summary>
public class HyperparameterPrivacyTests
{
    private const string Config = """
        namespace Training;

        public sealed partial class StorageConfig
        {
            [Repro.Hyperparameter(Secret = true)]
            public string BucketUrl { get; set; } = "https://alice:pw@example.com/data";

            [Repro.Hyperparameter]
            public string Region { get; set; } = "eu";
        }

        public sealed partial class RunConfig
        {
            [Repro.Hyperparameter(Sensitive = true)]
            public string Customer { get; set; } = "acme-42";

            [Repro.Hyperparameter(Sensitive = true)]
            public string[] Annotators { get; set; } = ["ana", "bo"];

            [Repro.Hyperparameter(Secret = true)]
            public string DatabaseUrl { get; set; } = "postgres://db/runs";

            [Repro.Hyperparameter]
            public int Epochs { get; set; } = 3;

            [Repro.Hyperparameter]
            public StorageConfig Storage { get; set; } = new();
        }
        """;

    [Fact]
    public void Secret_and_sensitive_keys_are_named_nested_ones_by_their_dotted_key_and_the_summary_and_usage_hide_their_values()
    {
        var config = Create();

        Assert.Equal(["database_url", "storage.bucket_url"], config.SecretKeys);
        Assert.Equal(["annotators", "customer"], config.SensitiveKeys);
        var summary = config.ToSummary();
        Assert.Contains("database_url = ***", summary, StringComparison.Ordinal);
        Assert.Contains("storage.bucket_url = ***", summary, StringComparison.Ordinal);
        Assert.Contains("customer     = (pseudonymised)", summary, StringComparison.Ordinal);
        Assert.Contains("storage.region", summary, StringComparison.Ordinal);
        foreach (var text in new[] { summary, config.ToUsage() })
        {
            Assert.DoesNotContain("postgres://db/runs", text, StringComparison.Ordinal);
            Assert.DoesNotContain("alice:pw", text, StringComparison.Ordinal);
            Assert.DoesNotContain("acme-42", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_configuration_without_flags_has_none_and_sensitive_numbers_or_both_flags_are_refused()
    {
        var (output, diagnostics, _) = GeneratorHarness.Run(new HyperparameterGenerator(), "namespace T; public sealed partial class C { [Repro.Hyperparameter] public int Epochs { get; set; } = 1; }");
        Assert.Empty(diagnostics);
        var plain = (IHyperparameters)Activator.CreateInstance(GeneratorHarness.Load(output).GetType("T.C")!)!;
        Assert.Empty(plain.SecretKeys);
        Assert.Empty(plain.SensitiveKeys);

        var (_, _, number) = GeneratorHarness.Run(new HyperparameterGenerator(), "namespace T; public sealed partial class C { [Repro.Hyperparameter(Sensitive = true)] public int UserId { get; set; } }");
        var (_, _, both) = GeneratorHarness.Run(new HyperparameterGenerator(), "namespace T; public sealed partial class C { [Repro.Hyperparameter(Secret = true, Sensitive = true)] public string UserId { get; set; } = \"\"; }");

        Assert.Contains("Sensitive applies to strings", Assert.Single(number.Diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("not both", Assert.Single(both.Diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static IHyperparameters Create()
    {
        var (output, diagnostics, _) = GeneratorHarness.Run(new HyperparameterGenerator(), Config);
        Assert.Empty(diagnostics);
        return (IHyperparameters)Activator.CreateInstance(GeneratorHarness.Load(output).GetType("Training.RunConfig")!)!;
    }
}
