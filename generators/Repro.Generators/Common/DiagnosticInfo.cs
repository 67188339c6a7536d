using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Repro.Generators.Common;

/// <summary>Where a diagnostic goes, as plain data: Location itself holds a syntax tree and would defeat caching.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location?.SourceTree is null ? null : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A diagnostic as equatable data: descriptor, location and message arguments.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
        new(descriptor, LocationInfo.From(location), new EquatableArray<string>(System.Collections.Immutable.ImmutableArray.Create(arguments)));

    public Diagnostic ToDiagnostic()
    {
        var arguments = new object[Arguments.Length];
        for (var i = 0; i < Arguments.Length; i++)
        {
            arguments[i] = Arguments[i];
        }

        return Diagnostic.Create(Descriptor, Location?.ToLocation(), arguments);
    }

    public bool Equals(DiagnosticInfo? other) =>
        other is not null && Descriptor.Id == other.Descriptor.Id && Equals(Location, other.Location) && Arguments.Equals(other.Arguments);

    public override int GetHashCode() => HashCode(Descriptor.Id.GetHashCode(), Location?.GetHashCode() ?? 0, Arguments.GetHashCode());

    private static int HashCode(int a, int b, int c) => unchecked((((a * 31) + b) * 31) + c);
}
