using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using NightSafe.Core.Ports;
using NightSafe.Integrations.DependencyInjection;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// Table keys for phone numbers: "phk-" and the HMAC-SHA256, under a secret pepper, of the number's E.164 form. Keys
/// travel in request URLs, which the Azure SDK and storage analytics log, and a plain hash of a UK mobile number is
/// reversed by trying the billion numbers of the range; without the pepper (Key Vault in Azure, generated locally) a
/// key tells nothing about its number, and with it only the hub can name the row of a given number. The short ids staff
/// see for duty phones (<see cref="IdFor"/>) are the same keyed hash under a key of their own.
/// </summary>
public sealed class PhoneKeys : IPhoneIds
{
    /// <summary>The prefix of keyed-hash row keys.</summary>
    public const string Prefix = "phk-";

    /// <summary>The prefix of the unsalted SHA-256 row keys written before the pepper (see <see cref="LegacyPhoneRows"/>).</summary>
    public const string LegacyPrefix = "phone-";

    /// <summary>The shortest pepper accepted: 256 bits.</summary>
    public const int MinPepperBytes = 32;

    private readonly byte[] _key;

    private readonly byte[] _idKey;

    public PhoneKeys(byte[] pepper)
    {
        ArgumentNullException.ThrowIfNull(pepper);
        if (pepper.Length < MinPepperBytes)
        {
            throw new ArgumentException($"The phone key pepper must be at least {MinPepperBytes} bytes.", nameof(pepper));
        }

        // A key derived for this one purpose: the same secret used elsewhere could never yield these keys.
        _key = HMACSHA256.HashData(pepper, "nightsafe phone row key v1"u8);
        // Ids are shown and typed back, row keys are not: a key of their own, so an id is no prefix of any row key.
        _idKey = HMACSHA256.HashData(pepper, "nightsafe phone id v1"u8);
    }

    /// <summary>The pepper from <see cref="PhoneKeyOptions"/> (validated when the host starts).</summary>
    public static PhoneKeys From(IOptions<PhoneKeyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PhoneKeys(options.Value.PepperBytes());
    }

    /// <summary>The row key for <paramref name="e164"/>.</summary>
    public string For(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(e164)));
    }

    /// <summary>The short id of <paramref name="phoneE164"/> (16 hex characters, 64 bits of the keyed hash): unique among a few hundred staff phones.</summary>
    public string IdFor(string phoneE164)
    {
        ArgumentNullException.ThrowIfNull(phoneE164);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_idKey, Encoding.UTF8.GetBytes(phoneE164)))[..16];
    }

    /// <summary>The key the same number had before the pepper: "phone-" and its plain SHA-256 hex. Read only to migrate.</summary>
    public static string Legacy(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        return LegacyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e164)));
    }
}

/// <summary>
/// Section "PhoneKeys": <c>Pepper</c> (app setting <c>PhoneKeys__Pepper</c>), base64 of at least 32 random bytes. In
/// Azure a Key Vault reference to secret <c>phone-key-pepper</c>; `nightsafe up` generates one and keeps it with the
/// stack's data (the data's keys are made with it), the demo and the tests make one per run.
/// </summary>
public sealed class PhoneKeyOptions
{
    public const string Section = "PhoneKeys";

    public string Pepper { get; set; } = string.Empty;

    /// <summary>The pepper's bytes; empty when it is not base64.</summary>
    public byte[] PepperBytes()
    {
        var buffer = new byte[(Pepper.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(Pepper.Trim(), buffer, out var written) ? buffer[..written] : [];
    }
}

/// <summary>
/// Fails the start closed: without a pepper, or with an unresolved Key Vault reference in its place, phone numbers would
/// be keyed by a guessable secret (or the old keys could not be told from the new), so the app does not run.
/// </summary>
public sealed class PhoneKeyOptionsValidator : IValidateOptions<PhoneKeyOptions>
{
    private const string Setting = "PhoneKeys:Pepper";

    public ValidateOptionsResult Validate(string? name, PhoneKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (KeyVaultReferences.IsUnresolved(options.Pepper))
        {
            return ValidateOptionsResult.Fail(KeyVaultReferences.Failure(Setting));
        }

        if (string.IsNullOrWhiteSpace(options.Pepper))
        {
            return ValidateOptionsResult.Fail(
                $"{Setting} (app setting PhoneKeys__Pepper) is not set: it is the secret that keys phone numbers in the tables. In Azure it is a Key Vault reference to secret phone-key-pepper; `nightsafe up` makes one.");
        }

        return options.PepperBytes().Length >= PhoneKeys.MinPepperBytes
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{Setting} must be base64 of at least {PhoneKeys.MinPepperBytes} random bytes (openssl rand -base64 32).");
    }
}
