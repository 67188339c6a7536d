using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Repro.Analyzers.Internals;

/// <summary>What a loop body does, for rules that stay silent when the order of iteration cannot reach anything.</summary>
internal static class LoopBodies
{
    /// <summary>
    /// Whether <paramref name="body"/> does nothing but the calls <paramref name="callAllowed"/> accepts, besides
    /// reading values, declaring and assigning locals, counting and building text: no store outside the loop's
    /// locals, no other call.
    /// </summary>
    public static bool OnlyCalls(IOperation body, Func<IInvocationOperation, bool> callAllowed) =>
        body.Descendants().All(operation => operation switch
        {
            IInvocationOperation call => callAllowed(call),
            ISimpleAssignmentOperation or ICompoundAssignmentOperation => ((IAssignmentOperation)operation).Target is ILocalReferenceOperation,
            IExpressionStatementOperation or IBlockOperation or ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                or IPropertyReferenceOperation or IArgumentOperation or IConversionOperation or ILiteralOperation or IVariableDeclarationGroupOperation
                or IVariableDeclarationOperation or IVariableDeclaratorOperation or IVariableInitializerOperation or IInterpolatedStringOperation
                or IInterpolatedStringTextOperation or IInterpolationOperation or IInstanceReferenceOperation or IBinaryOperation
                or IIncrementOrDecrementOperation or IArrayCreationOperation or IArrayInitializerOperation or IDeconstructionAssignmentOperation
                or ITupleOperation or IDeclarationExpressionOperation => true,
            _ => false,
        });
}
