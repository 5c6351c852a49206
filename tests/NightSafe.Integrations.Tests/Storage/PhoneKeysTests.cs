using System.Security.Cryptography;
using System.Text;
using NightSafe.Integrations.Storage;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>Phone numbers' table keys: a keyed hash under the pepper, never the plain SHA-256 that can be reversed.</summary>
public sealed class PhoneKeysTests
{
    private const string Number = "+447700900123";

    private static readonly byte[] Pepper = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void The_key_is_not_the_plain_sha256_of_the_number()
    {
        var plain = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Number)));

        var key = new PhoneKeys(Pepper).For(Number);

        Assert.StartsWith(PhoneKeys.Prefix, key, StringComparison.Ordinal);
        Assert.DoesNotContain(plain, key, StringComparison.Ordinal);
        Assert.NotEqual(PhoneKeys.Legacy(Number), key);
        Assert.Equal("phone-" + plain, PhoneKeys.Legacy(Number));
        Assert.DoesNotContain("7700900123", key, StringComparison.Ordinal);
    }

    [Fact]
    public void A_phone_id_is_short_keyed_with_the_pepper_and_no_part_of_the_row_key_or_the_plain_hash()
    {
        var keys = new PhoneKeys(Pepper);
        var other = (byte[])Pepper.Clone();
        other[0] ^= 1;
        var plain = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Number)));

        var id = keys.IdFor(Number);

        Assert.Matches("^[0-9a-f]{16}$", id);
        Assert.Equal(id, new PhoneKeys((byte[])Pepper.Clone()).IdFor(Number));
        Assert.NotEqual(id, new PhoneKeys(other).IdFor(Number));
        Assert.NotEqual(id, keys.IdFor("+447700900124"));
        Assert.DoesNotContain(id, plain, StringComparison.Ordinal);
        Assert.DoesNotContain(id, keys.For(Number), StringComparison.Ordinal);
    }

    [Fact]
    public void The_key_depends_on_the_pepper_and_is_stable_under_one()
    {
        var keys = new PhoneKeys(Pepper);
        var other = (byte[])Pepper.Clone();
        other[^1] ^= 1;

        Assert.Equal(keys.For(Number), new PhoneKeys((byte[])Pepper.Clone()).For(Number));
        Assert.NotEqual(keys.For(Number), new PhoneKeys(other).For(Number));
        Assert.NotEqual(keys.For(Number), keys.For("+447700900124"));
        Assert.Equal(PhoneKeys.Prefix.Length + 64, keys.For(Number).Length);
    }

    [Fact]
    public void A_pepper_shorter_than_256_bits_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new PhoneKeys(new byte[31]));
    }
}
