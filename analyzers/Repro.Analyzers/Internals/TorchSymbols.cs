using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Repro.Analyzers.Internals;

/// <summary>
/// The TorchSharp (and TorchVision, Repro.TorchSharp) types the rules match against, resolved once per
/// compilation by metadata name. A compilation without TorchSharp gets <see langword="null"/> from
/// <see cref="TryCreate"/>, and the torch rules register nothing.
/// </summary>
internal sealed class TorchSymbols
{
    private TorchSymbols(Compilation compilation, INamedTypeSymbol torch)
    {
        Torch = torch;
        Tensor = compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
        Nn = compilation.GetTypeByMetadataName("TorchSharp.torch+nn");
        Functional = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+functional");
        Init = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+init");
        Cuda = compilation.GetTypeByMetadataName("TorchSharp.torch+cuda");
        Random = compilation.GetTypeByMetadataName("TorchSharp.torch+random");
        Generator = compilation.GetTypeByMetadataName("TorchSharp.torch+Generator");
        Data = compilation.GetTypeByMetadataName("TorchSharp.torch+utils+data");
        Dataset = compilation.GetTypeByMetadataName("TorchSharp.torch+utils+data+Dataset`1");
        Device = compilation.GetTypeByMetadataName("TorchSharp.torch+Device");
        DeviceType = compilation.GetTypeByMetadataName("TorchSharp.DeviceType");
        ModuleExtensions = compilation.GetTypeByMetadataName("TorchSharp.ModuleExtensionMethods");
        VisionTransforms = compilation.GetTypeByMetadataName("TorchSharp.torchvision+transforms");
        ReproTorchSeeds = compilation.GetTypeByMetadataName("Repro.TorchSharp.Seeding.TorchSeeds");
        DataLoaders = new[]
        {
            compilation.GetTypeByMetadataName("TorchSharp.Modules.DataLoader"),
            compilation.GetTypeByMetadataName("TorchSharp.Modules.DataLoader`2"),
            compilation.GetTypeByMetadataName("TorchSharp.Modules.IterableDataLoader"),
        }.Where(type => type is not null).Select(type => type!).ToImmutableArray();
    }

    public INamedTypeSymbol Torch { get; }

    public INamedTypeSymbol? Tensor { get; }

    public INamedTypeSymbol? Nn { get; }

    public INamedTypeSymbol? Functional { get; }

    public INamedTypeSymbol? Init { get; }

    public INamedTypeSymbol? Cuda { get; }

    public INamedTypeSymbol? Random { get; }

    public INamedTypeSymbol? Generator { get; }

    public INamedTypeSymbol? Data { get; }

    public INamedTypeSymbol? Dataset { get; }

    public INamedTypeSymbol? Device { get; }

    public INamedTypeSymbol? DeviceType { get; }

    public INamedTypeSymbol? ModuleExtensions { get; }

    public INamedTypeSymbol? VisionTransforms { get; }

    /// <summary>Repro's own seeding helper, which seeds the CPU and every CUDA generator.</summary>
    public INamedTypeSymbol? ReproTorchSeeds { get; }

    /// <summary>The DataLoader classes whose constructors take <c>shuffle</c>, <c>seed</c> and <c>num_worker</c>.</summary>
    public ImmutableArray<INamedTypeSymbol> DataLoaders { get; }

    public static TorchSymbols? TryCreate(Compilation compilation) =>
        compilation.GetTypeByMetadataName("TorchSharp.torch") is { } torch ? new TorchSymbols(compilation, torch) : null;

    /// <summary>Whether <paramref name="type"/> is declared in TorchSharp or Repro.TorchSharp: a cheap first test before argument work.</summary>
    public static bool IsTorchAssembly(INamedTypeSymbol type, TorchSymbols torch) =>
        SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, torch.Torch.ContainingAssembly)
        || (torch.ReproTorchSeeds is { } seeds && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, seeds.ContainingAssembly));

    /// <summary>Whether <paramref name="type"/> is exactly <paramref name="expected"/> (generic definitions compared by their original definition).</summary>
    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);

    /// <summary>Whether <paramref name="method"/> is the torch DataLoader factory or a DataLoader constructor.</summary>
    public bool IsDataLoaderFactory(IMethodSymbol method) =>
        (method.MethodKind == MethodKind.Constructor && DataLoaders.Any(loader => Is(method.ContainingType, loader)))
        || (method.Name == "DataLoader" && Is(method.ContainingType, Data));
}
