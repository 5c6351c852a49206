using System.Globalization;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>A location given in a form a map can open, as found in an officer's text.</summary>
public sealed record MapLocation(LocationKind Kind, string Text, Uri? Link);

/// <summary>
/// Recognises a what3words address ("///filled.count.soap"), a UK postcode ("CM1 1AA"), an OS grid reference
/// ("TL 709 067") or a latitude and longitude ("51.7356, 0.4685") in text, by hand (no regular expressions: linear in the
/// text). <see cref="Parse"/> also finds one inside a stored location, so partners can be shown a link.
/// </summary>
public static class StructuredLocation
{
    /// <summary>The first structured location in <paramref name="text"/>, or null.</summary>
    public static MapLocation? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (i > 0 && char.IsLetterOrDigit(text[i - 1]) && text[i] != '/')
            {
                continue;
            }

            if ((What3Words(text, i, out _) ?? LatLong(text, i, out _) ?? Postcode(text, i, out _) ?? GridReference(text, i, out _)) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Finds a structured location in the text being read and gives its tokens the location role.</summary>
    internal static MapLocation? Find(Reading reading)
    {
        var text = reading.Text;
        for (var i = 0; i < text.Length; i++)
        {
            if (i > 0 && char.IsLetterOrDigit(text[i - 1]) && text[i] != '/')
            {
                continue;
            }

            var found = What3Words(text, i, out var end) ?? LatLong(text, i, out end) ?? Postcode(text, i, out end) ?? GridReference(text, i, out end);
            if (found is null)
            {
                continue;
            }

            // Digits that may be a phone number are never a location ("ON 07700 90012" is not a grid reference).
            if (reading.Phones.Any(p => p.Start < end && p.End > i))
            {
                continue;
            }

            for (var t = 0; t < reading.Tokens.Count; t++)
            {
                var token = reading.Tokens[t];
                if (token.End > i && token.Start < end && !reading.Taken[t])
                {
                    reading.Mark(t, t, Role.Location);
                }
            }

            return found;
        }

        return null;
    }

    private static MapLocation? What3Words(string text, int at, out int end)
    {
        end = at;
        if (!text.AsSpan(at).StartsWith("///"))
        {
            return null;
        }

        var i = at + 3;
        var words = new string[3];
        for (var w = 0; w < 3; w++)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            if (i - start is < 1 or > 30)
            {
                return null;
            }

            words[w] = text[start..i].ToLowerInvariant();
            if (w < 2)
            {
                if (i >= text.Length || text[i] != '.')
                {
                    return null;
                }

                i++;
            }
        }

        end = i;
        var address = string.Join('.', words);
        return new MapLocation(LocationKind.What3Words, "///" + address, new Uri("https://what3words.com/" + address));
    }

    // Outward code: A9, A99, AA9, AA99, A9A, AA9A; inward code: 9AA; with or without the space.
    private static MapLocation? Postcode(string text, int at, out int end)
    {
        end = at;
        var i = at;
        var letters = 0;
        while (i < text.Length && letters < 2 && char.IsAsciiLetter(text[i]))
        {
            i++;
            letters++;
        }

        if (letters == 0 || i >= text.Length || !char.IsAsciiDigit(text[i]))
        {
            return null;
        }

        var outwardEnd = i;
        while (outwardEnd < text.Length && outwardEnd - i < 2 && char.IsAsciiDigit(text[outwardEnd]))
        {
            outwardEnd++;
        }

        // Try every split of the outward code (so "CM11AA" is CM1 1AA).
        for (var split = outwardEnd; split > i; split--)
        {
            var o = split;
            if (o < text.Length && char.IsAsciiLetter(text[o]) && o + 1 < text.Length && char.IsAsciiDigit(text[o + 1]))
            {
                // A9A 9AA ("EC1A 1BB").
                if (Inward(text, o + 1, out var e1) is { } inward1)
                {
                    end = e1;
                    return Code(text[at..(o + 1)], inward1);
                }
            }

            if (Inward(text, o, out var e2) is { } inward2)
            {
                end = e2;
                return Code(text[at..o], inward2);
            }
        }

        return null;

        static MapLocation Code(string outward, string inward)
        {
            var code = $"{outward.ToUpperInvariant()} {inward.ToUpperInvariant()}";
            return new MapLocation(LocationKind.Postcode, code, new Uri("https://www.openstreetmap.org/search?query=" + Uri.EscapeDataString(code)));
        }
    }

    private static string? Inward(string text, int at, out int end)
    {
        end = at;
        var i = at;
        if (i < text.Length && text[i] == ' ')
        {
            i++;
        }

        if (i + 3 > text.Length || !char.IsAsciiDigit(text[i]) || !char.IsAsciiLetter(text[i + 1]) || !char.IsAsciiLetter(text[i + 2])
            || (i + 3 < text.Length && char.IsLetterOrDigit(text[i + 3])))
        {
            return null;
        }

        end = i + 3;
        return text.Substring(i, 3);
    }

    // Two letters of an OS 100 km square (first H, N, O, S or T) and 4 to 10 digits, maybe in two spaced groups.
    private static MapLocation? GridReference(string text, int at, out int end)
    {
        end = at;
        if (at + 2 > text.Length || char.ToUpperInvariant(text[at]) is not ('H' or 'N' or 'O' or 'S' or 'T')
            || !char.IsAsciiLetter(text[at + 1]) || char.ToUpperInvariant(text[at + 1]) == 'I')
        {
            return null;
        }

        // "no 1234" and "on 5678" are words and numbers: spaced letters count only when typed as capitals, not a word.
        var spaced = at + 2 < text.Length && text[at + 2] == ' ';
        if (spaced && (!char.IsUpper(text[at]) || !char.IsUpper(text[at + 1])
                       || text.AsSpan(at, 2) is "NO" or "SO" or "TO" or "ON" or "OH" or "HE" or "HI" or "HO"))
        {
            return null;
        }

        var i = at + 2;
        Span<char> digits = stackalloc char[10];
        var n = 0;
        var groups = 0;
        while (i < text.Length && groups < 2)
        {
            var j = i;
            if (j < text.Length && text[j] == ' ')
            {
                j++;
            }

            var start = j;
            while (j < text.Length && char.IsAsciiDigit(text[j]) && n < digits.Length)
            {
                digits[n++] = text[j++];
            }

            if (j == start)
            {
                break;
            }

            groups++;
            i = j;
        }

        if (n is < 4 or > 10 || n % 2 != 0 || (i < text.Length && char.IsLetterOrDigit(text[i])))
        {
            return null;
        }

        end = i;
        var reference = text.Substring(at, 2).ToUpperInvariant() + " " + new string(digits[..(n / 2)]) + " " + new string(digits[(n / 2)..n]);
        return new MapLocation(LocationKind.GridReference, reference, new Uri("https://gridreferencefinder.com/?gr=" + Uri.EscapeDataString(reference.Replace(" ", string.Empty, StringComparison.Ordinal))));
    }

    // "51.7356, 0.4685", "51.7356,-0.4685", "51.7356 0.4685": latitude 49 to 61, longitude -9 to 2 (the UK), 3+ decimals.
    private static MapLocation? LatLong(string text, int at, out int end)
    {
        end = at;
        if (Decimal(text, at, out var afterLat) is not { } lat || lat is < 49 or > 61)
        {
            return null;
        }

        var i = afterLat;
        var separated = false;
        while (i < text.Length && text[i] is ' ' or ',' or ';' or '/')
        {
            i++;
            separated = true;
        }

        if (!separated || Decimal(text, i, out var afterLong) is not { } lon || lon is < -9 or > 2)
        {
            return null;
        }

        end = afterLong;
        var shown = string.Create(CultureInfo.InvariantCulture, $"{lat:0.#####},{lon:0.#####}");
        var link = string.Create(CultureInfo.InvariantCulture, $"https://www.openstreetmap.org/?mlat={lat:0.#####}&mlon={lon:0.#####}#map=18/{lat:0.#####}/{lon:0.#####}");
        return new MapLocation(LocationKind.LatLong, shown, new Uri(link));
    }

    private static double? Decimal(string text, int at, out int end)
    {
        end = at;
        var i = at;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        var whole = i;
        while (i < text.Length && i - whole < 3 && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i == whole || i >= text.Length || text[i] != '.')
        {
            return null;
        }

        var point = ++i;
        while (i < text.Length && i - point < 8 && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i - point < 3 || (i < text.Length && char.IsAsciiDigit(text[i])))
        {
            return null;
        }

        end = i;
        return double.Parse(text.AsSpan(at, i - at), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }
}
