using System.Buffers;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>
/// Consent words: "consent", "consents", "consent y", "c/y", "gave consent" are Given; "no consent", "consent n",
/// "declined consent", "doesn't consent", "consent not given", "c/n" are Refused. Consent in ordinary words: "happy to
/// be contacted", "said yes to a text", "ok to text her" are Given; "not happy to be contacted", "doesn't want a text",
/// "declined contact" are Refused. A refusal anywhere wins, except "without her consent", which describes what was done
/// to her: it counts as a refusal only when nothing else is said about contact.
/// </summary>
internal static class ConsentReader
{
    private static readonly SearchValues<char> StatementEnds = SearchValues.Create(",.;!?\n");

    public static Consent Read(Reading reading)
    {
        var tokens = reading.Tokens;
        bool given = false, refused = false, refusedWeakly = false;
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
            if (saysNo && first < i && tokens[first].Word == "without" && last == i && DescribesAnAct(reading, first))
            {
                // "kissed her without consent", "filmed without her consent": what was done to her, not contact.
                i = last;
                continue;
            }

            if (saysNo && first < i && tokens[first].Word == "without" && last == i)
            {
                refusedWeakly = true;
            }
            else if (saysNo)
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

        ReadContactWords(reading, ref given, ref refused);
        refused |= DeclinedAnOffer(reading);
        return refused ? Consent.Refused : given ? Consent.Given : refusedWeakly ? Consent.Refused : Consent.NotStated;
    }

    // "happy to be contacted", "ok to text her", "said yes to a text"; "not happy to be contacted", "no texts".
    private static void ReadContactWords(Reading reading, ref bool given, ref bool refused)
    {
        var tokens = reading.Tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            var word = tokens[i].Word;
            // "ok to contact 07700 900123": a phone label ("contact", "number") can still be a contact word.
            if ((reading.Taken[i] && reading.Roles[i] != Role.Filler) || !Words.ContactWords.Contains(word))
            {
                continue;
            }

            int agree = -1, negator = -1;
            for (var k = i - 1; k >= 0 && i - k <= 10 && reading.Joined(k, k + 1); k--)
            {
                if (reading.Taken[k] && reading.Roles[k] != Role.Filler)
                {
                    break;
                }

                var before = tokens[k].Word;
                if (Words.ContactAgree.Contains(before) && !(Words.ContactRequests.Contains(before) && Words.ContactInformation.Contains(word)))
                {
                    // "asked for a call back" agrees to contact; "asked for info on services" does not.
                    agree = k;
                }
                else if (Words.ContactRefuse.Contains(before))
                {
                    negator = k;
                    break;
                }
                else if (Words.ContactBreaks.Contains(before) && !(before == "and" && RefusedJustBefore(reading, k)))
                {
                    break;
                }
            }

            var last = i;
            var saysYes = false;
            var saysNo = false;
            if (word == "anything" && (i == 0 || tokens[i - 1].Word is not ("want" or "wants" or "wanted" or "need" or "needs" or "needed")))
            {
                // "didnt want anything from us" refuses; "cant remember anything" does not.
                continue;
            }

            if (agree >= 0 && Words.ConsentedOnlyContactWords.Contains(word) && Words.Wishes.Contains(tokens[agree].Word) && negator < 0)
            {
                continue;
            }

            if (agree >= 0 && !(Words.RefusalOnlyContactWords.Contains(word) && (negator < 0 || negator > agree)))
            {
                (saysYes, saysNo) = negator >= 0 && negator < agree ? (false, true) : (true, false);
            }
            else if (agree >= 0)
            {
                continue;
            }
            else if (negator >= 0 && Words.RefusableContactWords.Contains(word) && !FollowedByNumberWord(reading, i))
            {
                saysNo = true;
            }
            else if (negator >= 0 && word is "number" or "details" or "name" && Words.RefusingVerbs.Contains(tokens[negator].Word))
            {
                // "refused to give his number": sharing refused ("no number" is only a missing number).
                saysNo = true;
            }
            else if (i + 1 < tokens.Count && !reading.Taken[i + 1] && JoinedLoosely(reading, i, i + 1) && Words.RefusableContactWords.Contains(word))
            {
                var next = tokens[i + 1].Word;
                (saysYes, saysNo) = (next is "y" or "yes" or "ok" or "okay" or "fine", next is "n" or "no" or "nope" or "declined" or "refused");
                last = saysYes || saysNo ? i + 1 : i;
            }

            if (!saysYes && !saysNo)
            {
                continue;
            }

            given |= saysYes;
            refused |= saysNo;
            var first = Math.Min(agree < 0 ? i : agree, negator < 0 ? i : negator);
            for (var k = first; k <= last; k++)
            {
                if (!reading.Taken[k] || reading.Roles[k] == Role.Filler)
                {
                    reading.Mark(k, k, Role.Consent);
                }
            }

            i = last;
        }
    }

    // "offered a referral to a programme, declined", "offered help getting home refused", "offered to call a taxi he
    // said no": after an offer, a refusal that ends its statement, or a "said no".
    private static bool DeclinedAnOffer(Reading reading)
    {
        var tokens = reading.Tokens;
        var offered = false;
        for (var i = 0; i < tokens.Count; i++)
        {
            var word = tokens[i].Word;
            if (word is "offered" or "offer" or "offering")
            {
                offered = true;
                continue;
            }

            if (!offered || reading.Taken[i])
            {
                continue;
            }

            if (word is "said" or "says" && i + 1 < tokens.Count && reading.Joined(i, i + 1) && tokens[i + 1].Word is "no" or "nope")
            {
                reading.Mark(i, i + 1, Role.Consent);
                return true;
            }

            if (word is "declined" or "refused" or "declines" or "refuses" && (i + 1 >= tokens.Count || !reading.Joined(i, i + 1)))
            {
                reading.Mark(i, i, Role.Consent);
                return true;
            }
        }

        return false;
    }

    // "no contact number", "no contact details": a missing number, not a refusal.
    // "refused help and contact", "declined hospital and further contact": one refusal of both.
    private static bool RefusedJustBefore(Reading reading, int and)
    {
        for (var k = and - 1; k >= 0 && and - k <= 2 && reading.Joined(k, k + 1); k--)
        {
            if (Words.ContactRefuse.Contains(reading.Tokens[k].Word))
            {
                return true;
            }
        }

        return false;
    }

    private static bool DescribesAnAct(Reading reading, int without) =>
        without > 0 && reading.Joined(without - 1, without)
        && reading.Tokens[without - 1].Word is var before
        && (before is "her" or "him" or "them" or "me" || (before.Length > 4 && before.EndsWith("ed", StringComparison.Ordinal)));

    private static bool FollowedByNumberWord(Reading reading, int at) =>
        at + 1 < reading.Tokens.Count && reading.Tokens[at + 1].Word is "number" or "no" or "num" or "details" or "nbr" or "phone";

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
