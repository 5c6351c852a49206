using System.Buffers;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>
/// Consent words: "consent", "consents", "consent y", "c/y", "gave consent" are Given; "no consent", "consent n",
/// "declined consent", "doesn't consent", "consent not given", "c/n" are Refused. A refusal anywhere wins.
/// </summary>
internal static class ConsentReader
{
    private static readonly SearchValues<char> StatementEnds = SearchValues.Create(",.;!?\n");

    public static Consent Read(Reading reading)
    {
        var tokens = reading.Tokens;
        bool given = false, refused = false;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (reading.Taken[i])
            {
                continue;
            }

            var word = tokens[i].Word;
            if (word == "c" && i + 1 < tokens.Count && !reading.Taken[i + 1] && Slash(reading, i) && tokens[i + 1].Word is "y" or "n" or "yes" or "no")
            {
                // "c/y", "c/n": the common shorthand.
                (given, refused) = tokens[i + 1].Word[0] == 'y' ? (true, refused) : (given, true);
                reading.Mark(i, i + 1, Role.Consent);
                i++;
                continue;
            }

            var shorthand = word is "cons" && i + 1 < tokens.Count
                && (Words.ConsentYes.Contains(tokens[i + 1].Word) || Words.ConsentNo.Contains(tokens[i + 1].Word));
            if (!Words.ConsentWords.Contains(word) && !shorthand)
            {
                continue;
            }

            var (first, last, saysNo) = Around(reading, i);
            if (saysNo)
            {
                refused = true;
            }
            else
            {
                given = true;
            }

            reading.Mark(first, last, Role.Consent);
            i = last;
        }

        return refused ? Consent.Refused : given ? Consent.Given : Consent.NotStated;
    }

    // Looks back for "no", "declined to give", "doesn't" and forward for "y", "n", "not given", "refused".
    private static (int First, int Last, bool SaysNo) Around(Reading reading, int at)
    {
        var tokens = reading.Tokens;
        var first = at;
        var saysNo = false;
        for (var i = at - 1; i >= 0 && at - i <= 3 && !reading.Taken[i] && reading.Joined(i, i + 1); i--)
        {
            var word = tokens[i].Word;
            if (Words.ConsentRefusedBefore.Contains(word))
            {
                saysNo = true;
                first = i;
            }
            else if (Words.ConsentGivenBefore.Contains(word))
            {
                first = i;
            }
            else if (!Words.ConsentLinkBefore.Contains(word))
            {
                break;
            }
        }

        while (first > 0 && first < at && !reading.Taken[first - 1] && reading.Joined(first - 1, first)
               && Words.ConsentAuxiliaries.Contains(tokens[first - 1].Word))
        {
            first--;
        }

        var last = at;
        var next = at + 1;
        while (next < tokens.Count && next - at <= 2 && !reading.Taken[next] && Words.ConsentLinkAfter.Contains(tokens[next].Word)
               && reading.Joined(next - 1, next))
        {
            next++;
        }

        if (next < tokens.Count && !reading.Taken[next] && JoinedLoosely(reading, next - 1, next))
        {
            var word = tokens[next].Word;
            if (Words.ConsentNo.Contains(word))
            {
                saysNo = true;
                last = next;
                if (next + 1 < tokens.Count && !reading.Taken[next + 1] && Words.ConsentNoTail.Contains(tokens[next + 1].Word))
                {
                    last = next + 1;
                }
            }
            else if (Words.ConsentYes.Contains(word))
            {
                last = next;
            }
        }

        return (first, last, saysNo);
    }

    // "consent: y", "consent=n", "consent - yes" read as one statement; a comma or full stop ends it.
    private static bool JoinedLoosely(Reading reading, int left, int right)
    {
        var from = reading.Tokens[left].End;
        var to = reading.Tokens[right].Start;
        return reading.Text.AsSpan(from, to - from).IndexOfAny(StatementEnds) < 0;
    }

    private static bool Slash(Reading reading, int left)
    {
        var between = reading.Text.AsSpan(reading.Tokens[left].End, reading.Tokens[left + 1].Start - reading.Tokens[left].End).Trim();
        return between is "/" or "-" or ":" or "=";
    }
}
