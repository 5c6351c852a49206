using System.Buffers;
using System.Text;

namespace NightSafe.Core.Sms;

/// <summary>
/// SMS length rules: GSM-7 text costs one septet a character (two for the extension characters ^ { } \ [ ~ ] | € and
/// form feed), 160 in one message or 153 a segment when concatenated; anything else goes as UCS-2, 70 or 67 UTF-16
/// units a segment. A two-septet character or a surrogate pair is never split across segments.
/// </summary>
public static class SmsText
{
    public const int Gsm7SingleSegment = 160;
    public const int Gsm7PerSegment = 153;
    public const int Ucs2SingleSegment = 70;
    public const int Ucs2PerSegment = 67;

    private const string BasicCharacters =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string ExtensionCharacters = "\f^{}\\[~]|€";

    private static readonly SearchValues<char> Gsm7 = SearchValues.Create(BasicCharacters + ExtensionCharacters);
    private static readonly SearchValues<char> Extension = SearchValues.Create(ExtensionCharacters);

    // U+0300 to U+036F: the combining accents a decomposed Latin letter carries.
    private static readonly SearchValues<char> CombiningMarks = SearchValues.Create(
        Enumerable.Range(0x0300, 0x70).Select(c => (char)c).ToArray());

    /// <summary>Whether every character is in the GSM 03.38 basic or extension table.</summary>
    public static bool IsGsm7(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().IndexOfAnyExcept(Gsm7) < 0;
    }

    /// <summary>How many SMS segments the text needs (0 for an empty text).</summary>
    public static int Segments(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return 0;
        }

        return IsGsm7(text) ? Gsm7Segments(text) : Ucs2Segments(text);
    }

    /// <summary>The GSM-7 septets the text costs, or null when it is not GSM-7.</summary>
    public static int? Septets(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsGsm7(text))
        {
            return null;
        }

        var septets = 0;
        foreach (var c in text)
        {
            septets += Cost(c);
        }

        return septets;
    }

    /// <summary>
    /// Rewrites text into GSM-7: typographic quotes, dashes and ellipses become their plain forms, accents that GSM-7
    /// lacks are dropped ("ê" to "e"), whitespace becomes a space and anything else becomes "?".
    /// </summary>
    public static string ToGsm7(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsGsm7(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsBmp && Gsm7.Contains((char)rune.Value))
            {
                builder.Append((char)rune.Value);
                continue;
            }

            builder.Append(Replacement(rune));
        }

        return builder.ToString();
    }

    /// <summary>The longest prefix of the text, cut at a word where it can be and ended with "...", that fits the segments.</summary>
    public static string Truncate(string text, int maxSegments)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSegments, 1);
        if (Segments(text) <= maxSegments)
        {
            return text;
        }

        const string Ellipsis = "...";
        int low = 0, high = text.Length;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (Segments(Cut(text, middle) + Ellipsis) <= maxSegments)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        var prefix = Cut(text, low);
        var space = prefix.LastIndexOf(' ');
        if (space > 0 && prefix.Length - space < 20)
        {
            prefix = prefix[..space];
        }

        return prefix.TrimEnd(' ', ',', ';', ':', '-') + Ellipsis;
    }

    private static string Cut(string text, int length) =>
        length > 0 && length < text.Length && char.IsHighSurrogate(text[length - 1]) ? text[..(length - 1)] : text[..length];

    private static int Cost(char c) => Extension.Contains(c) ? 2 : 1;

    private static int Gsm7Segments(string text)
    {
        var total = 0;
        foreach (var c in text)
        {
            total += Cost(c);
        }

        if (total <= Gsm7SingleSegment)
        {
            return 1;
        }

        int segments = 1, used = 0;
        foreach (var c in text)
        {
            var cost = Cost(c);
            if (used + cost > Gsm7PerSegment)
            {
                segments++;
                used = 0;
            }

            used += cost;
        }

        return segments;
    }

    private static int Ucs2Segments(string text)
    {
        if (text.Length <= Ucs2SingleSegment)
        {
            return 1;
        }

        int segments = 1, used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var cost = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            if (used + cost > Ucs2PerSegment)
            {
                segments++;
                used = 0;
            }

            used += cost;
            i += cost - 1;
        }

        return segments;
    }

    private static string Replacement(Rune rune)
    {
        switch (rune.Value)
        {
            case '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' or '`' or '\u00B4':
                return "'";
            case '\u201C' or '\u201D' or '\u201E' or '\u2033' or '\u00AB' or '\u00BB':
                return "\"";
            case '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212':
                return "-";
            case '\u2026':
                return "...";
            case '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\uFEFF':
                return string.Empty;
        }

        if (Rune.IsWhiteSpace(rune))
        {
            return " ";
        }

        // Drop accents GSM-7 does not carry (ê, ô, ç...) when the bare letter is GSM-7.
        var decomposed = rune.ToString().Normalize(NormalizationForm.FormD);
        if (decomposed.Length > 1 && Gsm7.Contains(decomposed[0])
            && decomposed.AsSpan(1).IndexOfAnyExcept(CombiningMarks) < 0)
        {
            return decomposed[..1];
        }

        return "?";
    }
}
