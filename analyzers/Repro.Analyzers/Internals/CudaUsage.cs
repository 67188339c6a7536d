using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Repro.Analyzers.Internals;

/// <summary>
/// Finds code that puts tensors or modules on CUDA: <c>torch.CUDA</c>, <c>DeviceType.CUDA</c>, <c>.cuda()</c>, and
/// device strings such as <c>"cuda"</c> or <c>"cuda:1"</c> passed to TorchSharp or converted to a <c>Device</c>.
/// </summary>
internal static class CudaUsage
{
    /// <summary>Calls <paramref name="onUse"/> (from any thread) for every CUDA use in the compilation.</summary>
    public static void Register(CompilationStartAnalysisContext start, TorchSymbols torch, Action<Location> onUse)
    {
        start.RegisterOperationAction(
            operation =>
            {
                if (IsCudaUse(operation.Operation, torch))
                {
                    onUse(operation.Operation.Syntax.GetLocation());
                }
            },
            OperationKind.PropertyReference,
            OperationKind.FieldReference,
            OperationKind.Invocation,
            OperationKind.Literal);
    }

    /// <summary>Whether this one operation puts something on CUDA.</summary>
    public static bool IsCudaUse(IOperation operation, TorchSymbols torch) => operation switch
    {
        IPropertyReferenceOperation { Property.Name: "CUDA" } property => TorchSymbols.Is(property.Property.ContainingType, torch.Torch),
        IFieldReferenceOperation { Field.Name: "CUDA" } field => TorchSymbols.Is(field.Field.ContainingType, torch.DeviceType),
        IInvocationOperation { TargetMethod.Name: "cuda" } invocation =>
            TorchSymbols.Is(invocation.TargetMethod.Unreduced().ContainingType, torch.Tensor)
            || TorchSymbols.Is(invocation.TargetMethod.Unreduced().ContainingType, torch.ModuleExtensions),
        ILiteralOperation { ConstantValue: { HasValue: true, Value: string text } } literal =>
            text.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && FeedsTorch(literal, torch),
        _ => false,
    };

    // A device string counts when TorchSharp receives it: as an argument of a TorchSharp member, or converted to Device.
    private static bool FeedsTorch(IOperation literal, TorchSymbols torch)
    {
        var parent = literal.Parent;
        if (parent is IConversionOperation conversion)
        {
            if (TorchSymbols.Is(conversion.Type, torch.Device))
            {
                return true;
            }

            parent = conversion.Parent;
        }

        return parent is IArgumentOperation { Parameter.ContainingSymbol: { } member }
            && SymbolEqualityComparer.Default.Equals(member.ContainingAssembly, torch.Torch.ContainingAssembly);
    }
}
