using System.Text;

namespace Repro.Hyperparameters;

/// <summary>Formats the --help lines that generated <see cref="IHyperparameters.ToUsage"/> methods write.</summary>
public static class HyperparameterUsage
{
    /// <summary>Column where descriptions start; longer options push theirs to the right.</summary>
    private const int DescriptionColumn = 34;

    /// <summary>Appends one option's line: <c>  --key &lt;type&gt;   text [default: value] [env: REPRO_HP_KEY]</c>.</summary>
    /// <param name="usage">Where the line goes.</param>
    /// <param name="key">The hyperparameter's key (snake_case).</param>
    /// <param name="type">The value's shape, such as <c>&lt;double&gt;</c>.</param>
    /// <param name="text">Description, unit and rules, already joined.</param>
    /// <param name="defaultValue">The current value, shown as the default.</param>
    public static void Append(StringBuilder usage, string key, string type, string text, string defaultValue)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var option = $"  --{key.Replace('_', '-')} {type}";
        usage.Append(option);
        usage.Append(' ', Math.Max(2, DescriptionColumn - option.Length));
        if (!string.IsNullOrEmpty(text))
        {
            usage.Append(text).Append(' ');
        }

        usage.Append("[default: ").Append(defaultValue).Append("] [env: ")
            .Append(HyperparameterBinder.EnvironmentPrefix).Append(key.ToUpperInvariant()).Append("]\n");
    }

    /// <summary>Appends a nested configuration's lines under its key: <c>--key.inner</c>, <c>REPRO_HP_KEY__INNER</c>.</summary>
    public static void AppendNested(StringBuilder usage, string key, string? nestedUsage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (string.IsNullOrEmpty(nestedUsage))
        {
            return;
        }

        var option = "--" + key.Replace('_', '-') + ".";
        var environment = HyperparameterBinder.EnvironmentPrefix + key.ToUpperInvariant() + "__";
        foreach (var line in nestedUsage.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = line.IndexOf("--", StringComparison.Ordinal);
            var env = line.LastIndexOf("[env: " + HyperparameterBinder.EnvironmentPrefix, StringComparison.Ordinal);
            if (at < 0 || env < 0)
            {
                usage.Append(line).Append('\n');
                continue;
            }

            var envStart = env + "[env: ".Length;
            usage.Append(line, 0, at).Append(option).Append(line, at + 2, envStart - at - 2)
                .Append(environment).Append(line, envStart + HyperparameterBinder.EnvironmentPrefix.Length, line.Length - envStart - HyperparameterBinder.EnvironmentPrefix.Length)
                .Append('\n');
        }
    }
}
