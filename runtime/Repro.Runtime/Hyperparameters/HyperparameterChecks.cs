using System.Globalization;

namespace Repro.Hyperparameters;

/// <summary>The rules generated <c>Validate</c> methods apply; each adds a readable problem to the list.</summary>
public static class HyperparameterChecks
{
    /// <summary>Checks <paramref name="min"/> ≤ <paramref name="value"/> ≤ <paramref name="max"/> (NaN bounds are absent).</summary>
    public static void Range(List<string> problems, string key, double value, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (double.IsNaN(value) || (!double.IsNaN(min) && value < min) || (!double.IsNaN(max) && value > max))
        {
            var bounds = (double.IsNaN(min), double.IsNaN(max)) switch
            {
                (false, false) => $"from {CanonicalJson.Format(min)} to {CanonicalJson.Format(max)}",
                (false, true) => $"at least {CanonicalJson.Format(min)}",
                (true, false) => $"at most {CanonicalJson.Format(max)}",
                _ => "a number",
            };
            problems.Add($"{key} is {CanonicalJson.Format(value)}; it must be {bounds}");
        }
    }

    /// <summary>Checks every element of an array against <see cref="Range"/>; problems name the element.</summary>
    public static void RangeEach(List<string> problems, string key, IEnumerable<double>? values, double min, double max)
    {
        var i = 0;
        foreach (var value in values ?? [])
        {
            Range(problems, $"{key}[{i++}]", value, min, max);
        }
    }

    /// <summary>Checks every element of a string array against <see cref="OneOf"/>.</summary>
    public static void OneOfEach(List<string> problems, string key, IEnumerable<string?>? values, IReadOnlyList<string> allowed)
    {
        var i = 0;
        foreach (var value in values ?? [])
        {
            OneOf(problems, $"{key}[{i++}]", value, allowed);
        }
    }

    /// <summary>Checks that a string is one of <paramref name="allowed"/> (ordinal).</summary>
    public static void OneOf(List<string> problems, string key, string? value, IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(allowed);
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            problems.Add($"{key} is '{value}'; it must be one of {string.Join(", ", allowed)}");
        }
    }

    /// <summary>Checks that a string is neither null nor empty.</summary>
    public static void Required(List<string> problems, string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (string.IsNullOrEmpty(value))
        {
            problems.Add($"{key} is required");
        }
    }

    /// <summary>A value as the summary shows it.</summary>
    public static string Show(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Show)) + "]",
        double d => CanonicalJson.Format(d),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
