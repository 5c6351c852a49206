using System.Buffers;

namespace NightSafe.TwilioStandIn;

/// <summary>The character set an SMS body travels in.</summary>
public enum SmsEncoding
{
    Gsm7,
    Ucs2,
}

/// <summary>How many SMS segments a body costs, counted as Twilio counts them.</summary>
public static class SmsSegments
{
    private const int Gsm7Single = 160;
    private const int Gsm7Concatenated = 153;
    private const int Ucs2Single = 70;
    private const int Ucs2Concatenated = 67;

    // GSM 03.38 default alphabet (every code point but ESC) and its extension table, whose characters cost two septets.
    private static readonly SearchValues<char> Gsm7Basic = SearchValues.Create(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà");

    private static readonly SearchValues<char> Gsm7Extension = SearchValues.Create("\f^{}\\[~]|€");

    /// <summary>GSM-7 when every character is in the default alphabet or its extension table, otherwise UCS-2.</summary>
    public static SmsEncoding EncodingOf(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        foreach (var c in body)
        {
            if (!Gsm7Basic.Contains(c) && !Gsm7Extension.Contains(c))
            {
                return SmsEncoding.Ucs2;
            }
        }

        return SmsEncoding.Gsm7;
    }

    /// <summary>Septets (GSM-7) or UTF-16 code units (UCS-2) the body occupies.</summary>
    public static int Units(string body) => CharacterSizes(body, EncodingOf(body)).Sum();

    /// <summary>
    /// Segments for <paramref name="body"/>: one when it fits 160 septets / 70 UCS-2 units; otherwise segments of
    /// 153 / 67 filled in order, never splitting an escaped GSM-7 character or a surrogate pair across two segments.
    /// </summary>
    public static int Count(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var encoding = EncodingOf(body);
        var single = encoding == SmsEncoding.Gsm7 ? Gsm7Single : Ucs2Single;
        var capacity = encoding == SmsEncoding.Gsm7 ? Gsm7Concatenated : Ucs2Concatenated;

        var sizes = CharacterSizes(body, encoding);
        if (sizes.Sum() <= single)
        {
            return 1;
        }

        var segments = 1;
        var used = 0;
        foreach (var size in sizes)
        {
            if (used + size > capacity)
            {
                segments++;
                used = 0;
            }

            used += size;
        }

        return segments;
    }

    private static List<int> CharacterSizes(string body, SmsEncoding encoding)
    {
        var sizes = new List<int>(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (encoding == SmsEncoding.Gsm7)
            {
                sizes.Add(Gsm7Extension.Contains(body[i]) ? 2 : 1);
            }
            else if (char.IsHighSurrogate(body[i]) && i + 1 < body.Length && char.IsLowSurrogate(body[i + 1]))
            {
                sizes.Add(2);
                i++;
            }
            else
            {
                sizes.Add(1);
            }
        }

        return sizes;
    }
}
