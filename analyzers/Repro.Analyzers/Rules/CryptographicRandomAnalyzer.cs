using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1003: <c>RandomNumberGenerator</c> draws from the operating system and cannot be seeded. Right for keys and
/// tokens, wrong for shuffles, splits and augmentation, so the rule speaks only in code that uses TorchSharp.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CryptographicRandomAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.CryptographicRandom,
        title: "Cryptographic random numbers used in training code",
        message: "'RandomNumberGenerator.{0}' cannot be seeded: data drawn from it differs on every run; use a seeded Random or torch generator for data randomness",
        RuleCategories.Randomness,
        DiagnosticSeverity.Warning,
        description: "RandomNumberGenerator is the operating system's cryptographic source. It has no seed by design, so a "
            + "shuffle, split or augmentation that uses it can never be repeated. The rule reports it only in projects that "
            + "reference TorchSharp.");

    // The members that draw numbers or reorder data. GetHexString and GetString are left out: they make text
    // (run names, tokens, file suffixes), where unpredictability is the point and no tensor is ever built from it.
    private static readonly ImmutableHashSet<string> Members = ImmutableHashSet.Create(
        "Create", "Fill", "GetBytes", "GetInt32", "GetItems", "GetNonZeroBytes", "Shuffle");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var generator = start.Compilation.GetTypeByMetadataName("System.Security.Cryptography.RandomNumberGenerator");
            if (generator is null || TorchSymbols.TryCreate(start.Compilation) is null)
            {
                return;
            }

            start.RegisterOperationAction(
                operation =>
                {
                    var method = ((IInvocationOperation)operation.Operation).TargetMethod;
                    if (Members.Contains(method.Name) && InheritsFrom(method.ContainingType, generator))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, Locations.OfCall(operation.Operation.Syntax), method.Name));
                    }
                },
                OperationKind.Invocation);
        });
    }

    private static bool InheritsFrom(INamedTypeSymbol? type, INamedTypeSymbol expected)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type, expected))
            {
                return true;
            }
        }

        return false;
    }
}
