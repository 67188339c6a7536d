using System.Globalization;

namespace Repro.Hyperparameters;

/// <summary>
/// Reads hyperparameter values for generated <c>Bind</c> methods: environment first
/// (<c>REPRO_HP_KEY</c>), then command line (<c>--key value</c>, <c>--key=value</c>, keys with '-'
/// or '_'), the later winning. Collects every problem, then throws once.
/// </summary>
public sealed class HyperparameterBinder
{
    /// <summary>The prefix of environment variables.</summary>
    public const string EnvironmentPrefix = "REPRO_HP_";

    private readonly Dictionary<string, string> _given = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _args;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly HashSet<string> _unknown = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    /// <summary>Reads <paramref name="args"/> and <paramref name="environment"/> for the keys in <paramref name="keys"/>.</summary>
    /// <param name="keys">The configuration's own keys.</param>
    /// <param name="args">The command line.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="nestedKeys">Keys of nested configurations: their options (<c>--key.inner</c>) are theirs to bind.</param>
    public HyperparameterBinder(IReadOnlyCollection<string> keys, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment, IReadOnlyCollection<string>? nestedKeys = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        _args = args;
        _environment = environment;
        nestedKeys ??= [];
        foreach (var key in keys)
        {
            if (environment.TryGetValue(EnvironmentPrefix + key.ToUpperInvariant(), out var value) && value is not null)
            {
                _given[key] = value;
            }
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                continue; // positional arguments belong to the program
            }

            var separator = arg.IndexOf('=', StringComparison.Ordinal);
            var key = (separator < 0 ? arg[2..] : arg[2..separator]).Replace('-', '_');
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && nestedKeys.Contains(key[..dot]))
            {
                if (separator < 0)
                {
                    i++; // its value belongs to the nested configuration too
                }

                continue;
            }

            if (!keys.Contains(key))
            {
                _unknown.Add(separator < 0 ? arg : arg[..separator]);
                continue;
            }

            if (separator >= 0)
            {
                _given[key] = arg[(separator + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                _given[key] = args[++i];
            }
            else
            {
                _problems.Add($"--{key.Replace('_', '-')} needs a value");
            }
        }

        foreach (var unknown in _unknown.Order(StringComparer.Ordinal))
        {
            _problems.Add($"unknown option {unknown}; known: {string.Join(", ", keys.Order(StringComparer.Ordinal).Select(k => "--" + k.Replace('_', '-')).Concat(nestedKeys.Order(StringComparer.Ordinal).Select(k => "--" + k.Replace('_', '-') + ".…")))}");
        }
    }

    /// <summary>The text given for <paramref name="key"/>, if any.</summary>
    public bool TryGet(string key, out string text) => _given.TryGetValue(key, out text!);

    /// <summary>Parses an integer, noting a problem (and keeping <paramref name="current"/>) when malformed.</summary>
    public long ParseInt64(string key, string text, long current, long min = long.MinValue, long max = long.MaxValue)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        _problems.Add($"{key}: '{text}' is not a whole number from {min} to {max}");
        return current;
    }

    /// <summary>Parses a number (invariant culture: '.' is the decimal separator).</summary>
    public double ParseDouble(string key, string text, double current)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        _problems.Add($"{key}: '{text}' is not a number (use '.' as the decimal separator)");
        return current;
    }

    /// <summary>Parses true/false (also 1/0, yes/no).</summary>
    public bool ParseBoolean(string key, string text, bool current)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes":
                return true;
            case "false" or "0" or "no":
                return false;
            default:
                _problems.Add($"{key}: '{text}' is not true or false");
                return current;
        }
    }

    /// <summary>Parses an enum member by name (case-insensitive); numbers are refused.</summary>
    public TEnum ParseEnum<TEnum>(string key, string text, TEnum current)
        where TEnum : struct, Enum
    {
        if (!text.Any(char.IsDigit) && Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && Enum.IsDefined(value))
        {
            return value;
        }

        _problems.Add($"{key}: '{text}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}");
        return current;
    }

    /// <summary>Parses a duration in invariant form: "00:00:30", "1.02:03:04" (days.hours:minutes:seconds).</summary>
    public TimeSpan ParseTimeSpan(string key, string text, TimeSpan current)
    {
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        _problems.Add($"{key}: '{text}' is not a duration such as 00:00:30 or 1.02:03:04");
        return current;
    }

    /// <summary>
    /// Parses a comma-separated list ("64,32,16"; empty text is an empty array), each element with
    /// <paramref name="parseElement"/>; problems name the element's position.
    /// </summary>
    public T[] ParseArray<T>(string key, string text, T[]? current, Func<string, string, T, T> parseElement)
    {
        ArgumentNullException.ThrowIfNull(parseElement);
        if (text.Trim().Length == 0)
        {
            return [];
        }

        var before = _problems.Count;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new T[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            values[i] = parseElement($"{key}[{i}]", parts[i], default!);
        }

        return _problems.Count == before ? values : current ?? [];
    }

    /// <summary>
    /// The command line and environment as nested configuration <paramref name="key"/> sees them:
    /// <c>--key.inner v</c> becomes <c>--inner v</c>, and <c>REPRO_HP_KEY__INNER</c> becomes <c>REPRO_HP_INNER</c>.
    /// </summary>
    public (IReadOnlyList<string> Args, IReadOnlyDictionary<string, string?> Environment) ForNested(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var args = new List<string>();
        for (var i = 0; i < _args.Count; i++)
        {
            var arg = _args[i];
            foreach (var spelling in new[] { "--" + key + ".", "--" + key.Replace('_', '-') + "." })
            {
                if (arg.StartsWith(spelling, StringComparison.Ordinal))
                {
                    args.Add("--" + arg[spelling.Length..]);
                    if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < _args.Count)
                    {
                        args.Add(_args[++i]);
                    }

                    break;
                }
            }
        }

        var prefix = EnvironmentPrefix + key.ToUpperInvariant() + "__";
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in _environment)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                environment[EnvironmentPrefix + name[prefix.Length..]] = value;
            }
        }

        return (args, environment);
    }

    /// <summary>Adds a nested configuration's problems, named <c>key.…</c>.</summary>
    public void AddNestedProblems(string key, IEnumerable<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        // "beta1: 'x' is not a number" becomes "optimizer.beta1: …"; "unknown option --m" becomes "optimizer: unknown option --m".
        _problems.AddRange(problems.Select(p => p.StartsWith("unknown option", StringComparison.Ordinal) || p.StartsWith("--", StringComparison.Ordinal)
            ? key + ": " + p
            : key + "." + p));
    }

    /// <summary>Throws <see cref="HyperparameterException"/> listing every problem, if there is any.</summary>
    public void ThrowIfProblems()
    {
        if (_problems.Count > 0)
        {
            throw new HyperparameterException(_problems);
        }
    }
}
