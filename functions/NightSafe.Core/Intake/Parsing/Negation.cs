using System.Collections.Frozen;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>
/// Whether a concern the officer named is negated: "not drunk", "no suggestion of spiking", "nobody hurt", "not a
/// domestic", "no injuries or spiking" (the negation reaches across "or"), but not "not injured but drunk" ("but", "and"
/// and a comma end its reach) nor "not sure if spiked" (a doubt, not a denial). Also after the concern: "spiking ruled
/// out", "injury not suspected", "spiking unlikely".
/// </summary>
internal static class Negation
{
    // Words between the negation and the concern that carry no meaning of their own ("no obvious signs of").
    private const int MostContentWords = 2;

    private static readonly FrozenSet<string> Negators = Set(
        "no", "not", "nil", "isnt", "wasnt", "arent", "werent", "aint", "without", "denies", "denied", "deny", "never", "doesnt",
        "didnt", "dont", "nor", "nobody", "noone", "none", "neither", "non", "nothing", "hasnt", "havent", "zero");

    private static readonly FrozenSet<string> Links = Set(
        "is", "was", "been", "be", "being", "are", "were", "appear", "appears", "appeared", "seem", "seems", "look", "looks",
        "obviously", "visibly", "visible", "any", "very", "obvious", "apparent", "signs", "sign", "of", "a", "an", "the", "to",
        "have", "has", "had", "evidence", "indication", "suggestion", "suspicion", "believed", "thought", "thinks", "think",
        "suspected", "real", "actual", "serious", "major", "significant", "further", "other", "one", "reported", "report",
        "or", "nor", "her", "his", "their", "him", "them", "she", "he", "they", "it", "that", "this", "injuries", "actually",
        "particularly", "overly", "too", "that's", "thats", "as", "such", "sort", "kind", "anything", "anyone", "at", "all",
        "really", "apparently", "physically", "got", "get", "complaining", "complain", "complains");

    private static readonly FrozenSet<string> Breakers = Set(
        "but", "and", "just", "only", "though", "although", "however", "yet", "instead", "rather", "now", "also", "plus",
        "says", "said", "because", "cos", "so", "then", "while", "whilst", "although", "more", "still", "simply", "mainly");

    // "not sure", "no idea": doubt, not denial.
    private static readonly FrozenSet<string> Doubts = Set("sure", "certain", "clear", "known", "know", "idea", "confirmed", "yet", "until");

    private static readonly FrozenSet<string> DeniedAfter = Set("unlikely", "denied", "denies", "nil", "none", "negative", "ruled", "excluded", "discounted");

    private static readonly FrozenSet<string> NotAfter = Set("suspected", "believed", "likely", "thought", "indicated", "evident", "apparent", "confirmed", "involved", "a", "an", "the", "issue", "concern", "factor");

    // "no other injuries", "nothing further": the denial is of more, not of what was said before it.
    private static readonly FrozenSet<string> Further = Set("other", "further", "more", "else", "additional", "new", "another");

    // Denials of the whole concern, not of one kind of it: "no injuries" takes back "tripped", while "no head injury"
    // leaves "grazes to arms" and "not drunk" leaves "under the influence of drugs".
    private static readonly FrozenSet<string> WholeConcern = Set("injury", "injuries", "injured", "hurt", "harmed", "hurts");

    /// <summary>
    /// Whether the concern at <paramref name="first"/>..<paramref name="last"/> is denied. A concern whose own words
    /// start with a negation ("no lift home", "no way home") is a need, not a denial, and an earlier negation does not
    /// reach it ("friends left without her, no lift home").
    /// </summary>
    public static bool Covers(Reading reading, int first, int last) =>
        (!Negators.Contains(reading.Tokens[first].Word) && Before(reading, first)) || After(reading, last);

    /// <summary>
    /// Whether a denial at <paramref name="first"/> also takes back what came before it ("tripped on the kerb, no
    /// injuries"), which "no other injuries" or "nothing further" does not.
    /// </summary>
    public static bool TakesBack(Reading reading, int first, int last)
    {
        var tokens = reading.Tokens;
        if (first != last || !WholeConcern.Contains(tokens[first].Word))
        {
            return false;
        }

        for (var i = first - 1; i >= 0 && first - i <= 4 && reading.Joined(i, i + 1); i--)
        {
            if (Further.Contains(tokens[i].Word))
            {
                return false;
            }

            if (Negators.Contains(tokens[i].Word))
            {
                return true;
            }
        }

        return true;
    }

    private static bool Before(Reading reading, int first)
    {
        var tokens = reading.Tokens;
        var content = 0;
        for (var i = first - 1; i >= 0 && first - i <= 8 && reading.Joined(i, i + 1); i--)
        {
            var word = tokens[i].Word;
            if (reading.Taken[i] && reading.Roles[i] != Role.Filler)
            {
                return false;
            }

            if (Negators.Contains(word))
            {
                return !(i + 1 < tokens.Count && Doubts.Contains(tokens[i + 1].Word));
            }

            if (Breakers.Contains(word))
            {
                return false;
            }

            if (!Links.Contains(word) && ++content > MostContentWords)
            {
                return false;
            }
        }

        return false;
    }

    private static bool After(Reading reading, int last)
    {
        var tokens = reading.Tokens;
        var i = last + 1;
        while (i < tokens.Count && reading.Joined(i - 1, i) && tokens[i].Word is "is" or "was" or "been" or "has" or "seems" or "appears")
        {
            i++;
        }

        if (i >= tokens.Count || reading.Taken[i] || !reading.Joined(i - 1, i))
        {
            return false;
        }

        var word = tokens[i].Word;
        return DeniedAfter.Contains(word)
               || (word == "not" && i + 1 < tokens.Count && reading.Joined(i, i + 1) && NotAfter.Contains(tokens[i + 1].Word));
    }

    private static FrozenSet<string> Set(params string[] words) => words.ToFrozenSet(StringComparer.Ordinal);
}
