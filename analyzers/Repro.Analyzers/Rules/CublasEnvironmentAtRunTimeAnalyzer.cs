using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1017: setting <c>CUBLAS_WORKSPACE_CONFIG</c> from inside the process does not reach cuBLAS on Linux or
/// macOS (.NET keeps its own copy of the environment), so the fix it looks like is no fix.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CublasEnvironmentAtRunTimeAnalyzer : DiagnosticAnalyzer
{
    internal const string VariableName = "CUBLAS_WORKSPACE_CONFIG";

    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.CublasEnvironmentAtRunTime,
        title: "CUBLAS_WORKSPACE_CONFIG set from inside the process",
        message: "Setting CUBLAS_WORKSPACE_CONFIG with Environment.SetEnvironmentVariable does not reach cuBLAS on Linux or macOS: set it before the process starts",
        RuleCategories.Environment,
        DiagnosticSeverity.Warning,
        description: "On Unix, .NET's Environment.SetEnvironmentVariable changes a managed copy of the environment that "
            + "native libraries never read, and cuBLAS reads the variable once when it initialises. Deterministic cuBLAS "
            + "needs CUBLAS_WORKSPACE_CONFIG=:4096:8 (or :16:8) in the environment the process starts with.");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var environment = start.Compilation.GetTypeByMetadataName("System.Environment");
            if (environment is null)
            {
                return;
            }

            start.RegisterOperationAction(
                operation =>
                {
                    var invocation = (IInvocationOperation)operation.Operation;
                    if (invocation.TargetMethod.Is(environment, "SetEnvironmentVariable")
                        && invocation.Arguments.Argument("variable")?.Constant() is { HasValue: true, Value: VariableName }
                        && TargetDevices.For(operation.Options, operation.Operation.Syntax.SyntaxTree).CanOccur(DeviceScope.Cuda))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation()));
                    }
                },
                OperationKind.Invocation);
        });
    }
}
