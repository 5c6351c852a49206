namespace NightSafe.Core.Intake.Parsing;

/// <summary>
/// Where the subject is: the words after "outside", "at", "near", "by", "opp", "o/s", "next to", "on ... St" and the
/// like, up to a comma, a recognised word or a word that starts describing the person; failing that, a street name
/// ("Moulsham St"). Runs after town, categories, consent and phone numbers have taken their words.
/// </summary>
internal static class LocationReader
{
    private const int LongestLocation = 8;

    public static string? Read(Reading reading)
    {
        var tokens = reading.Tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (reading.Taken[i])
            {
                continue;
            }

            var bodyStart = StartOfBody(reading, i);
            if (bodyStart < 0)
            {
                continue;
            }

            var last = EndOfBody(reading, bodyStart);
            if (last < bodyStart || !HasOwnWords(reading, bodyStart, last))
            {
                continue;
            }

            for (var k = i; k <= last; k++)
            {
                if (!reading.Taken[k])
                {
                    reading.Mark(k, k, Role.Location);
                }
            }

            return TextTidy.Spaces(reading.Text[tokens[bodyStart].Start..tokens[last].End]);
        }

        return StreetName(reading);
    }

    // The index of the first word of the place after a location word at i, or -1 when i does not start a location.
    private static int StartOfBody(Reading reading, int i)
    {
        var tokens = reading.Tokens;
        var word = tokens[i].Word;
        var next = i + 1;
        if (word == "o" && next < tokens.Count && tokens[next].Word == "s" && Between(reading, i) == "/")
        {
            // "o/s Yates": police shorthand for outside.
            return Usable(reading, next + 1, i) ? next + 1 : -1;
        }

        if (!Words.LocationStarts.Contains(word) || !Usable(reading, next, i))
        {
            return -1;
        }

        switch (word)
        {
            case "next":
                return tokens[next].Word == "to" && Usable(reading, next + 1, next) ? next + 1 : -1;
            case "by":
                return tokens[next].Word == "the" || (reading.Capitalised(next) && reading.Roles[next] != Role.Town) ? next : -1;
            case "in":
                return tokens[next].Word == "the" || (reading.Capitalised(next) && reading.Roles[next] != Role.Town) ? next : -1;
            case "on" or "off":
                return StreetWithin(reading, next, 4) ? next : -1;
            case "at" when tokens[next].IsNumber:
                return -1;
            default:
                return next;
        }
    }

    private static int EndOfBody(Reading reading, int start)
    {
        var tokens = reading.Tokens;
        var last = start - 1;
        for (var k = start; k < tokens.Count && k - start < LongestLocation; k++)
        {
            if (reading.Roles[k] is not (Role.Free or Role.Town) || (k > start && !reading.Joined(k - 1, k)))
            {
                break;
            }

            var word = tokens[k].Word;
            if (word == "and" && !(k + 1 < tokens.Count && reading.Capitalised(k + 1)))
            {
                break;
            }

            var possessive = (k == start && Words.Possessives.Contains(word)) || reading.Possessive(k);
            if (word != "and" && !possessive && Words.LocationStops.Contains(word))
            {
                break;
            }

            last = k;
        }

        while (last >= start && Words.LocationTrailing.Contains(tokens[last].Word))
        {
            last--;
        }

        return last;
    }

    private static string? StreetName(Reading reading)
    {
        var tokens = reading.Tokens;
        for (var i = 1; i < tokens.Count; i++)
        {
            if (reading.Taken[i] || !Words.StreetSuffixes.Contains(tokens[i].Word))
            {
                continue;
            }

            var first = i;
            while (first > 0 && i - first < 3 && reading.Roles[first - 1] is Role.Free or Role.Town
                   && reading.Joined(first - 1, first) && !Words.LocationStops.Contains(tokens[first - 1].Word)
                   && !tokens[first - 1].IsNumber)
            {
                first--;
            }

            if (first == i)
            {
                continue;
            }

            for (var k = first; k <= i; k++)
            {
                if (!reading.Taken[k])
                {
                    reading.Mark(k, k, Role.Location);
                }
            }

            return TextTidy.Spaces(reading.Text[tokens[first].Start..tokens[i].End]);
        }

        return null;
    }

    private static bool HasOwnWords(Reading reading, int first, int last)
    {
        for (var k = first; k <= last; k++)
        {
            if (reading.Roles[k] == Role.Free)
            {
                return true;
            }
        }

        return false;
    }

    private static bool StreetWithin(Reading reading, int from, int count)
    {
        for (var k = from; k < reading.Tokens.Count && k < from + count; k++)
        {
            if (reading.Roles[k] is not (Role.Free or Role.Town) || (k > from && !reading.Joined(k - 1, k)))
            {
                return false;
            }

            if (Words.StreetSuffixes.Contains(reading.Tokens[k].Word))
            {
                return k > from;
            }
        }

        return false;
    }

    private static bool Usable(Reading reading, int index, int previous) =>
        index < reading.Tokens.Count && reading.Roles[index] is Role.Free or Role.Town && reading.Joined(previous, index);

    private static string Between(Reading reading, int left) =>
        reading.Text[reading.Tokens[left].End..reading.Tokens[left + 1].Start].Trim();
}
