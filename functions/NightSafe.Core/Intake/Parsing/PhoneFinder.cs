using NightSafe.Core.Phones;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>A stretch of text shaped like a phone number; <see cref="E164"/> is null when it is not a usable number.</summary>
internal readonly record struct PhoneSpan(int Start, int End, string? E164);

/// <summary>
/// Finds phone numbers however they are spaced or punctuated, in one linear pass: digit groups joined by spaces,
/// hyphens, dots, slashes or brackets are tried a few groups at a time against <see cref="UkPhoneNumber"/>.
/// </summary>
internal static class PhoneFinder
{
    private const int FewestDigits = 9;
    private const int MostDigits = 17;

    public static List<PhoneSpan> Find(string text)
    {
        var found = new List<PhoneSpan>();
        var i = 0;
        while (i < text.Length)
        {
            if (!StartsRun(text, i))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || IsJoiner(text[i])))
            {
                i++;
            }

            ReadRun(text, start, i, found);
        }

        return found;
    }

    private static void ReadRun(string text, int start, int end, List<PhoneSpan> found)
    {
        var groups = new List<(int Start, int End)>();
        var digits = 0;
        for (var i = start; i < end;)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                i++;
                continue;
            }

            var groupStart = i;
            while (i < end && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            groups.Add((groupStart, i));
            digits += i - groupStart;
        }

        if (digits < FewestDigits)
        {
            return;
        }

        var anyNumber = false;
        var shaped = text[start] is '+' or '0' or '(';
        var g = 0;
        while (g < groups.Count)
        {
            var matched = TryNumberFrom(text, groups, g, out var span, out var lastGroup, ref shaped);
            if (matched)
            {
                found.Add(span);
                anyNumber = true;
                g = lastGroup + 1;
            }
            else
            {
                g++;
            }
        }

        if (!anyNumber && shaped)
        {
            // Shaped like a number but unusable: keep it out of free text all the same, it may be someone's number.
            var first = groups.FindIndex(x => x.End - x.Start >= 3);
            var from = first < 0 ? groups[0].Start : groups[first].Start;
            found.Add(new PhoneSpan(WithPrefix(text, start, from), groups[^1].End, null));
        }
    }

    private static bool TryNumberFrom(string text, List<(int Start, int End)> groups, int first, out PhoneSpan span, out int lastGroup, ref bool shaped)
    {
        span = default;
        lastGroup = first;
        var from = WithPrefix(text, 0, groups[first].Start);
        var plus = from < groups[first].Start && text[from] == '+';
        Span<char> digits = stackalloc char[MostDigits];
        var count = 0;
        for (var g = first; g < groups.Count; g++)
        {
            var length = groups[g].End - groups[g].Start;
            if (count + length > MostDigits)
            {
                return false;
            }

            text.AsSpan(groups[g].Start, length).CopyTo(digits[count..]);
            count += length;
            if (count < FewestDigits || !Plausible(digits[..count], plus))
            {
                continue;
            }

            shaped = true;
            var end = groups[g].End;
            if (UkPhoneNumber.TryNormalise(text[from..end], out var e164))
            {
                span = new PhoneSpan(from, end, e164);
                lastGroup = g;
                return true;
            }
        }

        return false;
    }

    // Cheap shape checks so libphonenumber only sees candidates that could be numbers.
    private static bool Plausible(ReadOnlySpan<char> digits, bool plus)
    {
        if (plus)
        {
            return digits.Length is >= 8 and <= 15 && digits[0] != '0';
        }

        if (digits.StartsWith("00"))
        {
            return digits.Length - 2 is >= 8 and <= 15 && digits[2] != '0';
        }

        if (digits.StartsWith("44"))
        {
            return digits.Length is 12 or 13;
        }

        if (digits[0] == '0')
        {
            return digits.Length is 10 or 11 && digits[1] != '0';
        }

        return digits[0] == '7' && digits.Length == 10;
    }

    // Include a "+" or "(" written just before the first digit group.
    private static int WithPrefix(string text, int floor, int groupStart)
    {
        var from = groupStart;
        while (from > floor && text[from - 1] is '+' or '(' or ' ' && from > groupStart - 3)
        {
            from--;
        }

        while (from < groupStart && text[from] == ' ')
        {
            from++;
        }

        return from;
    }

    private static bool StartsRun(string text, int i) =>
        char.IsAsciiDigit(text[i]) || (text[i] is '+' or '(' && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] == '0'));

    private static bool IsJoiner(char c) => c is ' ' or '-' or '.' or '(' or ')' or '+' or '/' or '\u00A0';
}
