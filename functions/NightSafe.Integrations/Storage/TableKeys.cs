using System.Security.Cryptography;
using System.Text;

namespace NightSafe.Integrations.Storage;

/// <summary>Rules for PartitionKey and RowKey values (Azure Tables forbids / \ # ? and control characters).</summary>
public static class TableKeys
{
    /// <summary>Longer keys are hashed: a key may be 1 KiB, and a hashed key leaves room for prefixes.</summary>
    public const int LongestKept = 256;

    private const string HashedPrefix = "sha256-";

    /// <summary>Whether <paramref name="key"/> can be stored as a key as it is.</summary>
    public static bool IsAllowed(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is 0 or > LongestKept)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The key as it is when allowed, otherwise "sha256-" and its SHA-256 hex; an allowed key that itself starts with
    /// "sha256-" is hashed too, so that no input can pose as another's hash.
    /// </summary>
    public static string Safe(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (IsAllowed(key) && !key.StartsWith(HashedPrefix, StringComparison.Ordinal))
        {
            return key;
        }

        return HashedPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>The smallest string greater than every string starting with <paramref name="prefix"/>: a range's end.</summary>
    public static string AfterPrefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return string.Concat(prefix.AsSpan(0, prefix.Length - 1), ((char)(prefix[^1] + 1)).ToString());
    }
}
