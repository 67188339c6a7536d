using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1006: <c>string.GetHashCode()</c> is randomised per process in .NET, so a seed, bucket or train/test split
/// derived from it changes on every run. Hashing inside a <c>GetHashCode</c> implementation is in-memory only
/// and is left alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StringHashCodeAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.StringHashCode,
        title: "string.GetHashCode() differs between processes",
        message: "'string.GetHashCode()' is randomised per process: seeds, buckets or splits derived from it change on every run; use Repro.StableHash",
        RuleCategories.Randomness,
        DiagnosticSeverity.Warning,
        description: ".NET randomises string hash codes per process to defend hash tables against collision attacks. A value "
            + "derived from them (a seed, a shard, a train/validation split) differs on every run. Use a hash whose "
            + "definition is fixed, such as Repro.StableHash.");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(
            static operation =>
            {
                var invocation = (IInvocationOperation)operation.Operation;
                if (invocation.TargetMethod is { Name: nameof(GetHashCode), ContainingType.SpecialType: SpecialType.System_String }
                    && operation.ContainingSymbol is not IMethodSymbol { Name: nameof(GetHashCode) })
                {
                    operation.ReportDiagnostic(Diagnostic.Create(Rule, Locations.OfCall(invocation.Syntax)));
                }
            },
            OperationKind.Invocation);
    }
}
