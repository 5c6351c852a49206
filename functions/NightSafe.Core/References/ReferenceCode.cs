using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NightSafe.Core.References;

/// <summary>
/// A referral's short reference: 6 Crockford base32 characters (0-9 and A-Z without I, L, O, U), e.g. "7KQ2MX".
/// Unique within a night; with the night id it is the referral's full key. <c>default</c> is "000000".
/// </summary>
[JsonConverter(typeof(ReferenceCodeJsonConverter))]
public readonly record struct ReferenceCode : IComparable<ReferenceCode>
{
    public const int Length = 6;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int Bits = 5 * Length;

    private readonly int _value;

    private ReferenceCode(int value) => _value = value;

    /// <summary>A random code (30 bits from a cryptographic generator).</summary>
    public static ReferenceCode New(RandomNumberGenerator? rng = null)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (rng is null)
        {
            RandomNumberGenerator.Fill(bytes);
        }
        else
        {
            rng.GetBytes(bytes);
        }

        return new ReferenceCode((int)(BitConverter.ToUInt32(bytes) & ((1u << Bits) - 1)));
    }

    /// <summary>
    /// Reads a code forgivingly, as Crockford intended: any case, I and L read as 1, O as 0, hyphens and spaces ignored.
    /// </summary>
    public static bool TryParse(string? text, out ReferenceCode code)
    {
        code = default;
        if (text is null || text.Length > 32)
        {
            return false;
        }

        var value = 0;
        var count = 0;
        foreach (var c in text)
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            var digit = ValueOf(c);
            if (digit < 0 || ++count > Length)
            {
                return false;
            }

            value = (value << 5) | digit;
        }

        if (count != Length)
        {
            return false;
        }

        code = new ReferenceCode(value);
        return true;
    }

    /// <summary>Reads a code or throws <see cref="FormatException"/>.</summary>
    public static ReferenceCode Parse(string text) =>
        TryParse(text, out var code) ? code : throw new FormatException("A reference is 6 characters of 0-9 and A-Z (not U).");

    public int CompareTo(ReferenceCode other) => _value.CompareTo(other._value);

    public static bool operator <(ReferenceCode left, ReferenceCode right) => left.CompareTo(right) < 0;

    public static bool operator >(ReferenceCode left, ReferenceCode right) => left.CompareTo(right) > 0;

    public static bool operator <=(ReferenceCode left, ReferenceCode right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ReferenceCode left, ReferenceCode right) => left.CompareTo(right) >= 0;

    public override string ToString() =>
        string.Create(Length, _value, static (span, value) =>
        {
            for (var i = Length - 1; i >= 0; i--)
            {
                span[i] = Alphabet[value & 31];
                value >>= 5;
            }
        });

    private static int ValueOf(char c)
    {
        switch (c)
        {
            case >= '0' and <= '9':
                return c - '0';
            case 'I' or 'i' or 'L' or 'l':
                return 1;
            case 'O' or 'o':
                return 0;
            case 'U' or 'u':
                return -1;
            case >= 'a' and <= 'z':
                return ValueOf(char.ToUpperInvariant(c));
            case >= 'A' and <= 'Z':
                return Alphabet.IndexOf(c, StringComparison.Ordinal);
            default:
                return -1;
        }
    }
}

/// <summary>Writes a <see cref="ReferenceCode"/> as its 6-character string and reads it forgivingly.</summary>
public sealed class ReferenceCodeJsonConverter : JsonConverter<ReferenceCode>
{
    public override ReferenceCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && ReferenceCode.TryParse(reader.GetString(), out var code)
            ? code
            : throw new JsonException("A reference is 6 characters of 0-9 and A-Z (not U).");

    public override void Write(Utf8JsonWriter writer, ReferenceCode value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
