using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1013: <c>Directory.GetFiles</c> and its relatives return entries in whatever order the file system keeps
/// them, which differs between machines, file systems and even copies of the same folder. A listing is fine when it
/// is sorted before its order matters: passed through filters and projections into an ordering by a unique key,
/// sorted in place (<c>Array.Sort</c>, <c>List.Sort</c>), handed to a helper in the same file that does so, reduced
/// to something order cannot change (a count, a maximum, a sum), or iterated only to delete, copy or move each entry.
/// A stable sort by a key that can tie (size, time, extension) keeps the file-system order among the ties, so it
/// still counts as unsorted unless a unique key breaks the ties.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnorderedDirectoryListingAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.UnorderedDirectoryListing,
        title: "Directory listing used without sorting",
        message: "'{0}' returns entries in file-system order, which differs between machines and copies: sort them ordinally before using their order",
        RuleCategories.DataOrder,
        DiagnosticSeverity.Warning,
        description: ".NET does not define the order of directory listings; it is whatever the file system returns (NTFS "
            + "sorts, ext4 hashes, network shares vary). Files read in that order become samples, batches and splits in "
            + "that order, so the same data gives different runs on different machines.");

    private static readonly HashSet<string> Listings = new(StringComparer.Ordinal)
    {
        "GetFiles", "EnumerateFiles", "GetDirectories", "EnumerateDirectories", "GetFileSystemEntries",
        "EnumerateFileSystemEntries", "GetFileSystemInfos", "EnumerateFileSystemInfos",
    };

    // Operators that keep the listing's (arbitrary) order without using it: the question moves to their result.
    private static readonly ImmutableHashSet<string> PassThrough = ImmutableHashSet.Create(
        "Where", "Select", "Cast", "OfType", "ToArray", "ToList", "AsEnumerable", "Distinct");

    private static readonly ImmutableHashSet<string> Sorting = ImmutableHashSet.Create(
        "Order", "OrderBy", "OrderDescending", "OrderByDescending", "Sort", "ToImmutableSortedSet", "ToSortedSet");

    private static readonly ImmutableHashSet<string> KeyedSorting = ImmutableHashSet.Create("OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending");

    // Uses whose result does not depend on order. Sum and Average of floating-point values do depend on it in
    // their last bits, so only integer sums count.
    private static readonly ImmutableHashSet<string> OrderInsensitive = ImmutableHashSet.Create(
        "Length", "Count", "LongCount", "Any", "All", "Contains", "ToHashSet", "Exists", "Max", "Min");

    // What a loop may do with each entry without its order mattering.
    private static readonly ImmutableHashSet<string> PerEntryEffects = ImmutableHashSet.Create(
        "Delete", "Copy", "CopyTo", "Move", "MoveTo", "SetAttributes", "SetLastWriteTimeUtc", "SetUnixFileMode", "Encrypt", "Decrypt");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var directory = start.Compilation.GetTypeByMetadataName("System.IO.Directory");
            var directoryInfo = start.Compilation.GetTypeByMetadataName("System.IO.DirectoryInfo");
            start.RegisterOperationAction(
                operation =>
                {
                    if (!operation.Operation.MaySpell(Listings))
                    {
                        return;
                    }

                    var invocation = (IInvocationOperation)operation.Operation;
                    var method = invocation.TargetMethod;
                    var type = method.ContainingType;
                    if (Listings.Contains(method.Name)
                        && (SymbolEqualityComparer.Default.Equals(type, directory) || SymbolEqualityComparer.Default.Equals(type, directoryInfo))
                        && !IsSortedOrOrderFree(invocation))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, Locations.OfCall(invocation.Syntax), type.Name + "." + method.Name));
                    }
                },
                OperationKind.Invocation);
        });
    }

    private static bool IsSortedOrOrderFree(IOperation listing, int depth = 0)
    {
        var current = listing;
        while (true)
        {
            var parent = current.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation or IArgumentOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IInvocationOperation call when PassThrough.Contains(call.TargetMethod.Name) && Receives(call, current):
                    current = call;
                    continue;
                case IInvocationOperation call when KeyedSorting.Contains(call.TargetMethod.Name):
                    return SortsByUniqueKey(call, listing);
                case IInvocationOperation call when Sorting.Contains(call.TargetMethod.Name) || OrderInsensitive.Contains(call.TargetMethod.Name):
                    return true;
                case IInvocationOperation { TargetMethod.Name: "Sum" } call when IsIntegerSum(call):
                    return true;
                case IInvocationOperation call when depth < 3 && HelperSortsArgument(call, current, depth):
                    return true;
                case IForEachLoopOperation loop when loop.Collection == current:
                    return OnlyActsOnEachEntry(loop);
                case IPropertyReferenceOperation property when OrderInsensitive.Contains(property.Property.Name):
                    return true;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return IsSortedLater(declarator.Symbol, listing.Root());
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target }:
                    return IsSortedLater(target.Local, listing.Root());
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// Whether an OrderBy/ThenBy chain ends in a key no two entries share: the entry itself, its full path, or its
    /// name when the listing is of one folder. A key that can tie (length, time, extension) keeps file-system order
    /// among the ties, unless a later ThenBy breaks them with a unique key.
    /// </summary>
    private static bool SortsByUniqueKey(IInvocationOperation sort, IOperation listing)
    {
        for (IOperation current = sort; current is IInvocationOperation call && KeyedSorting.Contains(call.TargetMethod.Name);)
        {
            if (KeySelector(call) is { } key && IsUniqueKey(key, listing))
            {
                return true;
            }

            var parent = current.Parent;
            while (parent is IConversionOperation or IArgumentOperation)
            {
                parent = parent.Parent;
            }

            current = parent!;
        }

        return false;
    }

    private static IOperation? KeySelector(IInvocationOperation call) =>
        call.Arguments.FirstOrDefault(argument => argument.Parameter?.Name == "keySelector")?.Value.WithoutConversions() is IDelegateCreationOperation
        { Target: IAnonymousFunctionOperation { Body.Operations: [IReturnOperation { ReturnedValue: { } returned }] } }
            ? returned.WithoutConversions()
            : null;

    private static bool IsUniqueKey(IOperation key, IOperation listing)
    {
        var oneFolder = listing is IInvocationOperation invocation
            && !invocation.Arguments.Any(argument => argument.Value.WithoutConversions() is { Type.Name: "SearchOption" or "EnumerationOptions" } option
                && !(option.ConstantValue is { HasValue: true, Value: 0 }));
        return key switch
        {
            IParameterReferenceOperation => true,
            IPropertyReferenceOperation { Property.Name: "FullName" } => true,
            IPropertyReferenceOperation { Property.Name: "Name" } => oneFolder,
            IInvocationOperation { TargetMethod: { Name: "GetFullPath", ContainingType.Name: "Path" } } => true,
            IInvocationOperation { TargetMethod: { Name: "GetFileName", ContainingType.Name: "Path" } } => oneFolder,
            _ => false,
        };
    }

    private static bool IsIntegerSum(IInvocationOperation sum) =>
        sum.Type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;

    /// <summary>Whether the loop body does nothing but delete, copy or move entries (and declare locals for that).</summary>
    private static bool OnlyActsOnEachEntry(IForEachLoopOperation loop) =>
        LoopBodies.OnlyCalls(loop.Body, call => PerEntryEffects.Contains(call.TargetMethod.Name)
            || call.TargetMethod.ContainingType.Name is "Path" || call.TargetMethod.Name is "Combine" or "GetFileName" or "GetRelativePath");

    /// <summary>
    /// Whether the listing is an argument of a method declared in the same file that reads that parameter only through
    /// a sort, as <see cref="IsSortedLater"/> asks of a local: a helper such as <c>SortedPaths(Directory.GetFiles(d))</c>.
    /// </summary>
    private static bool HelperSortsArgument(IInvocationOperation call, IOperation value, int depth)
    {
        if (call.Arguments.FirstOrDefault(argument => argument == value || argument.Value == value) is not { Parameter: { } parameter }
            || call.SemanticModel is not { } model
            || call.TargetMethod.DeclaringSyntaxReferences is not [var declaration] || declaration.SyntaxTree != model.SyntaxTree
            || model.GetOperation(declaration.GetSyntax()) is not { } body)
        {
            return false;
        }

        var references = body.Descendants().OfType<IParameterReferenceOperation>().Where(reference => SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter.OriginalDefinition)).ToList();
        return references.Count > 0 && references.All(reference => IsSortedOrOrderFree(reference, depth + 1));
    }

    // The listing (or its filtered form) was handed to this call as receiver or argument.
    private static bool Receives(IInvocationOperation call, IOperation value) =>
        call.Instance == value || call.Arguments.Any(argument => argument == value);

    /// <summary>Whether the local holding the listing is sorted in place, or read only through a sort, in the same member.</summary>
    private static bool IsSortedLater(ILocalSymbol local, IOperation root) =>
        root.Descendants().OfType<ILocalReferenceOperation>()
            .Where(reference => SymbolEqualityComparer.Default.Equals(reference.Local, local))
            .Any(reference => reference.Parent switch
            {
                IArgumentOperation { Parent: IInvocationOperation call } => Sorting.Contains(call.TargetMethod.Name),
                IInvocationOperation call => Sorting.Contains(call.TargetMethod.Name),
                IConversionOperation { Parent: IArgumentOperation { Parent: IInvocationOperation call } } => Sorting.Contains(call.TargetMethod.Name),
                _ => false,
            });
}
