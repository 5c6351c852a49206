using System.Security.Cryptography;
using System.Text;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

/// <summary>Phone ids keyed with a secret made for this hub, as the app keys them with its pepper.</summary>
internal sealed class KeyedPhoneIds : IPhoneIds
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string IdFor(string phoneE164) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(phoneE164)))[..16];
}
