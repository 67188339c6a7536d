using System.Collections;

namespace Repro;

/// <summary>Conveniences over <see cref="IHyperparameters"/>.</summary>
public static class HyperparametersExtensions
{
    /// <summary>The exit code for a configuration the user must fix (also 'repro's usage code).</summary>
    public const int UsageExitCode = 2;

    /// <summary>
    /// Binds from this process: its environment (<c>REPRO_HP_*</c> variables only are read), then
    /// <paramref name="args"/>. Returns the configuration for chaining.
    /// </summary>
    /// <exception cref="HyperparameterException">Unknown options or malformed values, all listed.</exception>
    public static T BindFromProcess<T>(this T configuration, IReadOnlyList<string> args)
        where T : IHyperparameters
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Bind(args, ProcessEnvironment());
        return configuration;
    }

    /// <summary>
    /// The one call a training program needs before <see cref="Run.Start"/>: binds from the environment
    /// and <paramref name="args"/>, then validates. With <c>--help</c> (or <c>-h</c>) it prints the usage —
    /// every hyperparameter with its type, default, rules, description and variable, generated at compile
    /// time — and exits with 0. When any option is unknown or malformed, or any value breaks a rule, it
    /// prints every problem and the usage to standard error and exits with <see cref="UsageExitCode"/> (2):
    /// no exception, no stack trace, and no run recorded, since no run has started.
    /// </summary>
    /// <param name="configuration">A new configuration: its current values are shown as the defaults.</param>
    /// <param name="args">The command line.</param>
    /// <param name="programName">The name shown in the usage line; the process's name by default.</param>
    /// <returns>The bound, valid configuration.</returns>
    public static T BindFromProcessOrExit<T>(this T configuration, IReadOnlyList<string> args, string? programName = null)
        where T : IHyperparameters
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(args);
        if (BindOrExitCode(configuration, args, ProcessEnvironment(), Console.Out, Console.Error, programName) is { } code)
        {
            Console.Out.Flush();
            Console.Error.Flush();
            Environment.Exit(code);
        }

        return configuration;
    }

    /// <summary>
    /// What <see cref="BindFromProcessOrExit"/> does, without exiting: null when the configuration is
    /// bound and valid, else the exit code after the help or the problems were written.
    /// </summary>
    internal static int? BindOrExitCode<T>(T configuration, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment, TextWriter output, TextWriter error, string? programName)
        where T : IHyperparameters
    {
        var usage = Usage(programName, configuration.ToUsage()); // before binding: the defaults
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            output.Write(usage);
            return 0;
        }

        IReadOnlyList<string> problems;
        try
        {
            configuration.Bind(args, environment);
            problems = configuration.Validate();
        }
        catch (HyperparameterException e)
        {
            // Binding sets every value it could parse before it throws: check those too, so one attempt
            // lists an unknown option and an out-of-range value together.
            problems = [.. e.Problems.Concat(configuration.Validate()).Distinct(StringComparer.Ordinal)];
        }

        if (problems.Count == 0)
        {
            return null;
        }

        error.WriteLine(problems.Count == 1 ? "The configuration has a problem:" : $"The configuration has {problems.Count} problems:");
        foreach (var problem in problems)
        {
            error.WriteLine("  " + problem);
        }

        error.WriteLine();
        error.Write(usage);
        return UsageExitCode;
    }

    private static string Usage(string? programName, string options)
    {
        var name = string.IsNullOrWhiteSpace(programName) ? AppDomain.CurrentDomain.FriendlyName : programName;
        return $"Usage: {name} [options]\n\nOptions (each also as an environment variable; the command line wins):\n{options}  --help                          Show this help and exit.\n";
    }

    private static Dictionary<string, string?> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && name.StartsWith(Hyperparameters.HyperparameterBinder.EnvironmentPrefix, StringComparison.Ordinal))
            {
                environment[name] = entry.Value as string;
            }
        }

        return environment;
    }
}
