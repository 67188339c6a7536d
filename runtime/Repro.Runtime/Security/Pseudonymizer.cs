using System.Security.Cryptography;
using System.Text;

namespace Repro.Security;

/// <summary>
/// Keyed pseudonyms for identifiers that must stay joinable across runs but not readable (a user id, a patient
/// number, a customer): <c>pseudonym:&lt;key id&gt;:&lt;HMAC-SHA-256 of the value, first 128 bits, hex&gt;</c>. The same value
/// and key always give the same pseudonym; without the key it cannot be reversed or checked by guessing. The key
/// comes from <c>REPRO_PSEUDONYM_KEY</c> (its UTF-8 bytes) or the file <c>REPRO_PSEUDONYM_KEY_FILE</c> names (its
/// bytes), at least 16 bytes; it is never recorded. Its id (the first 64 bits of a SHA-256 of the key) is, so a
/// reader knows which key made a pseudonym. See <c>docs/security.md</c>.
/// </summary>
public sealed class Pseudonymizer
{
    /// <summary>The environment variable that holds the key.</summary>
    public const string KeyVariable = "REPRO_PSEUDONYM_KEY";

    /// <summary>The environment variable that names a file holding the key.</summary>
    public const string KeyFileVariable = "REPRO_PSEUDONYM_KEY_FILE";

    /// <summary>The shortest key accepted.</summary>
    public const int MinimumKeyBytes = 16;

    /// <summary>What every pseudonym starts with.</summary>
    public const string Prefix = "pseudonym:";

    private readonly byte[] _key;

    /// <summary>A pseudonymizer with <paramref name="key"/> (copied).</summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinimumKeyBytes"/>.</exception>
    public Pseudonymizer(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"A pseudonym key needs at least {MinimumKeyBytes} bytes; this one has {key.Length}.", nameof(key));
        }

        _key = key.ToArray();
        // Domain-separated from the HMACs, so the id says nothing about any pseudonym.
        KeyId = Convert.ToHexStringLower(SHA256.HashData([.. "repro pseudonym key id\0"u8, .. _key]))[..16];
    }

    /// <summary>The key's id, recorded where pseudonyms are: 16 hex digits.</summary>
    public string KeyId { get; }

    /// <summary>The key from the environment (<see cref="KeyVariable"/>, else <see cref="KeyFileVariable"/>), or null when neither is set.</summary>
    /// <exception cref="ArgumentException">A key is set but too short, or its file cannot be read.</exception>
    public static Pseudonymizer? FromEnvironment()
    {
        if (Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } text)
        {
            return new Pseudonymizer(Encoding.UTF8.GetBytes(text));
        }

        if (Environment.GetEnvironmentVariable(KeyFileVariable) is { Length: > 0 } path)
        {
            try
            {
                return new Pseudonymizer(File.ReadAllBytes(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"{KeyFileVariable} names {path}, which cannot be read: {e.Message}", e);
            }
        }

        return null;
    }

    /// <summary>The pseudonym of <paramref name="value"/>.</summary>
    public string Pseudonymize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value));
        return Prefix + KeyId + ":" + Convert.ToHexStringLower(mac.AsSpan(0, 16));
    }

    /// <summary>Whether <paramref name="text"/> is a pseudonym (of any key).</summary>
    public static bool IsPseudonym(string text) => text.StartsWith(Prefix, StringComparison.Ordinal);
}
