namespace Repro.Tests.Shared.Runs;

/// <summary>A configuration given as its canonical JSON, as a generated [Hyperparameter] class would produce it.</summary>
internal sealed class JsonConfiguration(string json, IReadOnlyCollection<string>? sensitiveKeys = null) : IHyperparameters
{
    public IReadOnlyCollection<string> SecretKeys => [];

    public IReadOnlyCollection<string> SensitiveKeys => sensitiveKeys ?? [];

    public string ToCanonicalJson() => json;

    public string ComputeHash() => Repro.Hyperparameters.CanonicalJson.Sha256(json);

    public IReadOnlyList<string> Validate() => [];

    public void Bind(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment)
    {
    }

    public string ToSummary() => json;
}
