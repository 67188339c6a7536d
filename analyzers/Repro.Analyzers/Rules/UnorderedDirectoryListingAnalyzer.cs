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
/// is sorted before its order matters: passed through filters and projections into an ordering, sorted in place
/// (<c>Array.Sort</c>, <c>List.Sort</c>), or only counted.
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

    private static readonly ImmutableHashSet<string> Listings = ImmutableHashSet.Create(
        "GetFiles", "EnumerateFiles", "GetDirectories", "EnumerateDirectories", "GetFileSystemEntries",
        "EnumerateFileSystemEntries", "GetFileSystemInfos", "EnumerateFileSystemInfos");

    // Operators that keep the listing's (arbitrary) order without using it: the question moves to their result.
    private static readonly ImmutableHashSet<string> PassThrough = ImmutableHashSet.Create(
        "Where", "Select", "Cast", "OfType", "ToArray", "ToList", "AsEnumerable", "Distinct");

    private static readonly ImmutableHashSet<string> Sorting = ImmutableHashSet.Create(
        "Order", "OrderBy", "OrderDescending", "OrderByDescending", "Sort", "ToImmutableSortedSet", "ToSortedSet");

    // Uses whose result does not depend on order.
    private static readonly ImmutableHashSet<string> OrderInsensitive = ImmutableHashSet.Create(
        "Length", "Count", "LongCount", "Any", "All", "Contains", "ToHashSet", "Exists");

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

    private static bool IsSortedOrOrderFree(IOperation listing)
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
                case IInvocationOperation call when Sorting.Contains(call.TargetMethod.Name) || OrderInsensitive.Contains(call.TargetMethod.Name):
                    return true;
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
