using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;

namespace Repro.Provenance;

/// <summary>
/// Reads a build's provenance document from an assembly file without loading it (its embedded
/// <see cref="BuildStamp.ResourceName"/> resource, read with System.Reflection.Metadata), falling back to the
/// <c>&lt;assembly&gt;.provenance.json</c> beside it. For CI gates and tools that inspect builds of any target.
/// </summary>
public static class ProvenanceReader
{
    /// <summary>The provenance of the assembly at <paramref name="path"/>, or null when it carries none.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a .NET assembly, or its provenance is not valid JSON.</exception>
    public static JsonElement? ReadAssemblyFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist.", path);
        }

        if (ReadEmbedded(path) is { } embedded)
        {
            return embedded;
        }

        var beside = Path.ChangeExtension(path, ".provenance.json");
        if (!File.Exists(beside))
        {
            return null;
        }

        using var stream = File.OpenRead(beside);
        return BuildStamp.ParseProvenance(stream, beside);
    }

    private static JsonElement? ReadEmbedded(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            using var pe = new PEReader(file);
            if (!pe.HasMetadata || pe.PEHeaders.CorHeader is not { } cor)
            {
                throw new InvalidDataException($"{path} is not a .NET assembly.");
            }

            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                if (!resource.Implementation.IsNil || metadata.GetString(resource.Name) != BuildStamp.ResourceName)
                {
                    continue;
                }

                // Embedded resources live in the CLI resources block: a 4-byte length, then the bytes.
                var block = pe.GetSectionData(cor.ResourcesDirectory.RelativeVirtualAddress).GetReader();
                block.Offset = checked((int)resource.Offset);
                var length = block.ReadInt32();
                using var content = new MemoryStream(block.ReadBytes(length));
                return BuildStamp.ParseProvenance(content, $"{path}!{BuildStamp.ResourceName}");
            }

            return null;
        }
        catch (BadImageFormatException e)
        {
            throw new InvalidDataException($"{path} is not a .NET assembly: {e.Message}", e);
        }
    }
}
