namespace Repro;

/// <summary>A run's configuration, implemented by Repro's generator for types with <see cref="HyperparameterAttribute"/> properties.</summary>
public interface IHyperparameters
{
    /// <summary>The configuration as canonical JSON: keys sorted ordinally, invariant number formats, no whitespace.</summary>
    string ToCanonicalJson();

    /// <summary>SHA-256 of the UTF-8 canonical JSON, lowercase hex: the same values give the same hash anywhere.</summary>
    string ComputeHash();

    /// <summary>Every rule the values break (range, allowed values, required), or none.</summary>
    IReadOnlyList<string> Validate();

    /// <summary>
    /// Sets hyperparameters from the environment (<c>REPRO_HP_KEY</c>), then from the command line
    /// (<c>--key value</c> or <c>--key=value</c>), so that defaults &lt; environment &lt; command line.
    /// </summary>
    /// <exception cref="HyperparameterException">Unknown options or malformed values; all of them are listed.</exception>
    void Bind(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment);

    /// <summary>One line per hyperparameter, for people: key = value unit — description.</summary>
    string ToSummary();

    /// <summary>
    /// The options for --help, one hyperparameter a line: option, value type, description, unit, rules,
    /// the current value as the default, and the environment variable. Generated at compile time.
    /// </summary>
    string ToUsage() => string.Empty;

    /// <summary>Dotted keys of the hyperparameters declared <see cref="HyperparameterAttribute.Secret"/> (nested ones included).</summary>
    IReadOnlyCollection<string> SecretKeys => [];

    /// <summary>
    /// Dotted keys of the hyperparameters declared <see cref="HyperparameterAttribute.Sensitive"/> (nested ones
    /// included): recorded as keyed pseudonyms (<see cref="Security.Pseudonymizer"/>).
    /// </summary>
    IReadOnlyCollection<string> SensitiveKeys => [];
}
