using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Repro.Analyzers.Internals;

/// <summary>
/// Where a value only reaches a person, never data: a console, a debug or trace listener, a logger (Microsoft.Extensions.Logging,
/// Serilog), Spectre.Console, an <c>IProgress&lt;T&gt;</c>. An order that only reaches these cannot change what a run computes.
/// Text writers in general are not sinks of this kind: a <c>StreamWriter</c> may be writing a label file.
/// </summary>
internal static class LogSinks
{
    // (namespace, type) of the sinks, so that a user's own class named Log or Console is not taken for one.
    private static readonly ImmutableHashSet<string> s_sinkTypes = ImmutableHashSet.Create(
        "System.Console", "System.Diagnostics.Debug", "System.Diagnostics.Trace", "System.IProgress", "System.Progress",
        "Microsoft.Extensions.Logging.LoggerExtensions", "Microsoft.Extensions.Logging.ILogger",
        "Serilog.Log", "Serilog.ILogger", "Spectre.Console.AnsiConsole", "Spectre.Console.IAnsiConsole");

    private static readonly ImmutableHashSet<string> s_formatting = ImmutableHashSet.Create(
        "Format", "Join", "Concat", "ToString", "PadLeft", "PadRight", "Trim", "ToUpperInvariant", "ToLowerInvariant");

    /// <summary>Whether <paramref name="method"/> writes to a person (see the class summary).</summary>
    public static bool IsSink(IMethodSymbol method) =>
        s_sinkTypes.Contains(method.ContainingType.ContainingNamespace.ToDisplayString() + "." + method.ContainingType.Name);

    /// <summary>Whether <paramref name="call"/> writes to a person: a sink method, or a write to <c>Console.Out</c> or <c>Console.Error</c>.</summary>
    public static bool IsSink(IInvocationOperation call) =>
        IsSink(call.TargetMethod)
        || (call.Instance is IPropertyReferenceOperation { Property: { Name: "Out" or "Error", ContainingType.Name: "Console" } }
            && call.TargetMethod.Name is "Write" or "WriteLine");

    /// <summary>Whether <paramref name="method"/> only turns values into text.</summary>
    public static bool IsFormatting(IMethodSymbol method) =>
        method.Name == "ToString"
        || (s_formatting.Contains(method.Name) && method.ContainingType.SpecialType == SpecialType.System_String);

    /// <summary>Whether a loop body does nothing but format text, count, and hand it to sinks.</summary>
    public static bool OnlyLogs(IOperation body) =>
        LoopBodies.OnlyCalls(body, call => IsSink(call) || IsFormatting(call.TargetMethod));

    /// <summary>
    /// Whether <paramref name="value"/> (a sequence) flows only into text that a sink receives: through LINQ operators,
    /// <c>string.Join</c>, formatting and interpolation into an argument of a sink method.
    /// </summary>
    public static bool ReachesOnlySinks(IOperation value)
    {
        for (var current = value.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IInvocationOperation call when IsSink(call):
                    return true;
                case IInvocationOperation call when IsFormatting(call.TargetMethod) || call.TargetMethod.ContainingType.Name == "Enumerable":
                case IArgumentOperation or IConversionOperation or IInterpolationOperation or IInterpolatedStringOperation or IParenthesizedOperation
                    or IDelegateCreationOperation or IAnonymousFunctionOperation or IBlockOperation or IReturnOperation or IBinaryOperation:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }
}
