using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Repro.Analyzers.Internals;

/// <summary>
/// Whether a file builds something that keeps or restores spatial size — the shape of segmentation and
/// image-to-image code, whose losses run per pixel. Asked only for the rare calls whose determinism depends on it.
/// </summary>
internal static class SpatialDecoders
{
    private static readonly ImmutableHashSet<string> s_names = ImmutableHashSet.Create(
        "ConvTranspose2d", "ConvTranspose3d", "conv_transpose2d", "conv_transpose3d", "Upsample", "upsample",
        "upsample_bilinear", "upsample_nearest", "interpolate", "PixelShuffle", "pixel_shuffle");

    public static bool AppearIn(SyntaxTree tree) =>
        tree.GetRoot().DescendantNodes().OfType<IdentifierNameSyntax>().Any(name => s_names.Contains(name.Identifier.ValueText));
}
