using NightSafe.Core.World;
using System.Security.Cryptography;
using System.Text;

namespace NightSafe.Core.Outcomes;

/// <summary>
/// Each agency's key for the partner API. Only SHA-256 hashes are held; a presented key is hashed and compared in
/// constant time. Keys are 256-bit random values, so an unsalted hash is enough (no dictionary to attack).
/// </summary>
public sealed class PartnerKeyRing
{
    private readonly Dictionary<string, byte[]> _hashes;

    public PartnerKeyRing(IEnumerable<KeyValuePair<string, string>> sha256HexByAgency)
    {
        ArgumentNullException.ThrowIfNull(sha256HexByAgency);
        _hashes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (agency, hex) in sha256HexByAgency)
        {
            if (hex.Length == 64 && hex.All(Uri.IsHexDigit))
            {
                _hashes[agency] = Convert.FromHexString(hex);
            }
        }
    }

    public IReadOnlyCollection<string> Agencies => _hashes.Keys;

    /// <summary>True only when <paramref name="agencyId"/> has a key and <paramref name="presentedKey"/> is it.</summary>
    public bool Verify(AgencyId agencyId, string? presentedKey)
    {
        if (string.IsNullOrEmpty(presentedKey) || presentedKey.Length > 256)
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey));
        // Unknown agencies compare against a dummy so the timing does not reveal which agencies exist.
        var expected = _hashes.TryGetValue(agencyId.Value, out var hash) ? hash : new byte[SHA256.HashSizeInBytes];
        return CryptographicOperations.FixedTimeEquals(presented, expected) && hash is not null;
    }

    /// <summary>A new random key (URL-safe base64 of 32 bytes).</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The lower-case hex SHA-256 of a key, as stored.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
