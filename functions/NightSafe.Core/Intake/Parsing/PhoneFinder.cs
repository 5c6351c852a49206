using NightSafe.Core.Phones;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>
/// A stretch of text that is or may be a phone number, kept out of free text. <see cref="E164"/> is null when it is not
/// a usable number; <see cref="LooksLikePhone"/> says whether an officer would have meant it as one.
/// </summary>
internal readonly record struct PhoneSpan(int Start, int End, string? E164, bool LooksLikePhone = true);

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

        // In the order written: the first usable number is the subject's, and spans are marked on tokens left to right.
        found.Sort((x, y) => x.Start.CompareTo(y.Start));
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

        if (digits < 5)
        {
            return;
        }

        var covered = new bool[groups.Count];
        var g = 0;
        while (digits >= FewestDigits && g < groups.Count)
        {
            if (TryNumberFrom(text, groups, g, out var span, out var lastGroup))
            {
                found.Add(span);
                Array.Fill(covered, true, g, lastGroup - g + 1);
                g = lastGroup + 1;
            }
            else
            {
                g++;
            }
        }

        // Digits left over are kept out of free text when they could be (part of) someone's number.
        for (var first = 0; first < groups.Count;)
        {
            if (covered[first])
            {
                first++;
                continue;
            }

            var last = first;
            var count = groups[first].End - groups[first].Start;
            while (last + 1 < groups.Count && !covered[last + 1])
            {
                last++;
                count += groups[last].End - groups[last].Start;
            }

            var from = WithPrefix(text, groups[first].Start);
            var leading = text.AsSpan(groups[first].Start, Math.Min(4, groups[first].End - groups[first].Start));
            var plus = text.AsSpan(from, groups[first].Start - from).Contains('+');
            var sequence = groups.Skip(first).Take(last - first + 1).ToList();
            var partOfPhone = leading.StartsWith("0044") || (plus && leading.StartsWith("44"))
                              || sequence.Any(x => x.End - x.Start >= 4 && text.AsSpan(x.Start).StartsWith("07"));
            if (count >= FewestDigits || (count >= 5 && partOfPhone))
            {
                // Nine or more digits go whatever they are; only phone-shaped ones ask the officer to check the number.
                var looksLikePhone = partOfPhone || plus || leading[0] == '0' || text[from] == '('
                                     || leading.StartsWith("44") || leading[0] == '7'
                                     || sequence.Any(x => x.End - x.Start >= FewestDigits);
                found.Add(new PhoneSpan(from, groups[last].End, null, looksLikePhone));
            }

            first = last + 1;
        }
    }

    private static bool TryNumberFrom(string text, List<(int Start, int End)> groups, int first, out PhoneSpan span, out int lastGroup)
    {
        span = default;
        lastGroup = first;
        var from = WithPrefix(text, groups[first].Start);
        var plus = text.AsSpan(from, groups[first].Start - from).Contains('+');
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

    // Include a "+" or "(" written right before the first digit group ("+44", "(07700", "(+44").
    private static int WithPrefix(string text, int groupStart)
    {
        var from = groupStart;
        while (from > 0 && groupStart - from < 2 && text[from - 1] is '+' or '(')
        {
            from--;
        }

        return from;
    }

    private static bool StartsRun(string text, int i) =>
        char.IsAsciiDigit(text[i]) || (text[i] is '+' or '(' && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] == '0'));

    private static bool IsJoiner(char c) => c is ' ' or '-' or '.' or '(' or ')' or '+' or '/' or '\u00A0';
}
