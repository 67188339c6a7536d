namespace Repro;

/// <summary>
/// Marks a property of a partial configuration class or record as a hyperparameter of the run.
/// Repro's generator implements <see cref="IHyperparameters"/> for the type: canonical JSON and
/// its SHA-256, validation, binding from the environment and command line, and a summary.
/// </summary>
/// <remarks>
/// Supported types: <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>, <see cref="float"/>,
/// <see cref="double"/>, <see cref="string"/>, <see cref="TimeSpan"/>, enums, and one-dimensional
/// arrays of these (comma-separated on the command line), and nested configuration types whose own
/// properties carry this attribute (<c>--optimizer.beta1</c>, <c>REPRO_HP_OPTIMIZER__BETA1</c>). The key is the property name in snake_case
/// (<c>LearningRate</c> is <c>learning_rate</c>): <c>--learning-rate</c> on the command line,
/// <c>REPRO_HP_LEARNING_RATE</c> in the environment.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class HyperparameterAttribute : Attribute
{
    /// <summary>What the hyperparameter means, for the summary.</summary>
    public string? Description { get; set; }

    /// <summary>Its unit, for the summary.</summary>
    public string? Unit { get; set; }

    /// <summary>Smallest allowed value (numbers only); NaN means no minimum.</summary>
    public double Min { get; set; } = double.NaN;

    /// <summary>Largest allowed value (numbers only); NaN means no maximum.</summary>
    public double Max { get; set; } = double.NaN;

    /// <summary>The only values allowed (strings only).</summary>
    public string[]? AllowedValues { get; set; }

    /// <summary>The value must not be null or empty (strings and arrays only).</summary>
    public bool Required { get; set; }

    /// <summary>
    /// The value is a secret (a password, a token): the run records only a keyed hash of it
    /// (<c>hmac-sha256:…</c>), and the summary shows <c>***</c>. Hyperparameters whose names say
    /// password, secret, token, key, credential or auth are treated so even without it.
    /// </summary>
    public bool Secret { get; set; }

    /// <summary>
    /// The value identifies someone or something that must stay joinable across runs but not readable (a user, a
    /// customer, a patient): the run records a keyed pseudonym of it (<see cref="Security.Pseudonymizer"/>, key from
    /// <c>REPRO_PSEUDONYM_KEY</c> or <c>REPRO_PSEUDONYM_KEY_FILE</c>; recording refuses without one), and the summary shows
    /// <c>(pseudonymised)</c>. Strings and string arrays only.
    /// </summary>
    public bool Sensitive { get; set; }
}
