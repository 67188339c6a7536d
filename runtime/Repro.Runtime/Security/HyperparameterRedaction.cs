using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Repro.Security;

/// <summary>
/// Makes a configuration's canonical JSON fit to record: the value of a secret hyperparameter (declared
/// <see cref="HyperparameterAttribute.Secret"/>, or whose key is named like a secret, see
/// <see cref="SecretRedactor.IsSecretName"/>) becomes a keyed hash, <c>hmac-sha256:&lt;hex&gt;</c>, and every
/// other string is redacted by value. The JSON stays canonical (same writer, same order).
/// </summary>
/// <remarks>
/// The hash is keyed with a random key kept owner-only in the Repro home (<see cref="KeyFileName"/>), so two runs
/// under the same home can be compared ("same password?") while nobody can test guesses against a record alone.
/// </remarks>
internal static class HyperparameterRedaction
{
    /// <summary>File in the Repro home holding the 32-byte key of secret hashes.</summary>
    public const string KeyFileName = "secret-hash.key";

    /// <summary>Prefix of a recorded secret value.</summary>
    public const string HashPrefix = "hmac-sha256:";

    /// <summary>
    /// The recorded form of <paramref name="json"/>; <paramref name="secretKeys"/> are dotted keys declared secret,
    /// <paramref name="sensitiveKeys"/> dotted keys declared sensitive, whose strings become pseudonyms under
    /// <paramref name="pseudonymizer"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Keys are declared sensitive but no pseudonymizer (key) was given.</exception>
    public static string Apply(string json, string home, IReadOnlyCollection<string>? secretKeys = null, IReadOnlyCollection<string>? sensitiveKeys = null, Pseudonymizer? pseudonymizer = null)
    {
        if (sensitiveKeys is { Count: > 0 } && pseudonymizer is null)
        {
            throw new ArgumentException($"Hyperparameters {string.Join(", ", sensitiveKeys)} are declared Sensitive, which needs a pseudonym key: set {Pseudonymizer.KeyVariable} or {Pseudonymizer.KeyFileVariable} (at least {Pseudonymizer.MinimumKeyBytes} bytes).", nameof(sensitiveKeys));
        }

        using var document = JsonDocument.Parse(json);
        byte[]? key = null;
        byte[] Key() => key ??= LoadOrCreateKey(home);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, document.RootElement, prefix: string.Empty, Treatment.None, new Keys(secretKeys ?? [], sensitiveKeys ?? [], pseudonymizer), Key);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private enum Treatment
    {
        None,
        Secret,
        Sensitive,
    }

    private sealed record Keys(IReadOnlyCollection<string> Secret, IReadOnlyCollection<string> Sensitive, Pseudonymizer? Pseudonymizer);

    /// <summary>The recorded form of secret <paramref name="value"/> under <paramref name="home"/>'s key.</summary>
    public static string Hash(string value, string home) =>
        HashPrefix + Convert.ToHexStringLower(HMACSHA256.HashData(LoadOrCreateKey(home), Encoding.UTF8.GetBytes(value)));

    private static void Write(Utf8JsonWriter writer, JsonElement element, string prefix, Treatment treatment, Keys keys, Func<byte[]> key)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    var path = prefix + property.Name;
                    writer.WritePropertyName(property.Name);
                    // A secret stays secret all the way down; a name that says secret wins over a sensitive flag.
                    var inner = treatment == Treatment.Secret || keys.Secret.Contains(path) || SecretRedactor.IsSecretName(property.Name) ? Treatment.Secret
                        : treatment == Treatment.Sensitive || keys.Sensitive.Contains(path) ? Treatment.Sensitive
                        : Treatment.None;
                    Write(writer, property.Value, path + ".", inner, keys, key);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, prefix, treatment, keys, key);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                writer.WriteStringValue(treatment switch
                {
                    Treatment.Secret => HashPrefix + Convert.ToHexStringLower(HMACSHA256.HashData(key(), Encoding.UTF8.GetBytes(text))),
                    Treatment.Sensitive => keys.Pseudonymizer!.Pseudonymize(text),
                    _ => SecretRedactor.Redact(text),
                });
                break;
            default:
                // Numbers, booleans and null are never secrets' carriers worth hiding; kept byte for byte.
                writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                break;
        }
    }

    private static byte[] LoadOrCreateKey(string home)
    {
        var path = Path.Combine(home, KeyFileName);
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length == 32)
            {
                return existing;
            }
        }

        Storage.ReproHome.CreateOwnerOnlyDirectory(home);
        var fresh = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Storage.ReproHome.OwnerOnlyFile;
        }

        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(fresh);
            stream.Flush(flushToDisk: true);
            return fresh;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs, so both runs hash alike.
            return File.ReadAllBytes(path);
        }
    }
}
