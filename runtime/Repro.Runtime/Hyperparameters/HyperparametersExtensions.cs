using System.Collections;

namespace Repro;

/// <summary>Conveniences over <see cref="IHyperparameters"/>.</summary>
public static class HyperparametersExtensions
{
    /// <summary>
    /// Binds from this process: its environment (<c>REPRO_HP_*</c> variables only are read), then
    /// <paramref name="args"/>. Returns the configuration for chaining.
    /// </summary>
    /// <exception cref="HyperparameterException">Unknown options or malformed values, all listed.</exception>
    public static T BindFromProcess<T>(this T configuration, IReadOnlyList<string> args)
        where T : IHyperparameters
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && name.StartsWith(Hyperparameters.HyperparameterBinder.EnvironmentPrefix, StringComparison.Ordinal))
            {
                environment[name] = entry.Value as string;
            }
        }

        configuration.Bind(args, environment);
        return configuration;
    }
}
