using System.Text;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>Builds the description from what is left of a text, and tidies whitespace and stray punctuation.</summary>
internal static class TextTidy
{
    private const string Separators = ",;:.!?-/&+|";

    /// <summary>The text without recognised words and phone numbers, tidied; null when nothing is left.</summary>
    public static string? Description(Reading reading)
    {
        var text = reading.Text;
        var removed = new bool[text.Length];
        for (var i = 0; i < reading.Tokens.Count; i++)
        {
            if (reading.Roles[i] is not (Role.Free or Role.Told))
            {
                Array.Fill(removed, true, reading.Tokens[i].Start, reading.Tokens[i].End - reading.Tokens[i].Start);
            }
        }

        foreach (var phone in reading.Phones)
        {
            Array.Fill(removed, true, phone.Start, phone.End - phone.Start);
        }

        var words = Rebuild(text, removed);
        var result = WithoutDigitRuns(TrimConnectors(words));
        return result.Length == 0 ? null : result;
    }

    /// <summary>
    /// Free text without anything that reads as (part of) a phone number. Taking recognised words out can bring short
    /// digit groups together ("900 0044 consent 0044" becomes "900 0044 0044"), so what is left is read again, and
    /// again after each cut, until nothing number-like remains (each pass only shortens the text).
    /// </summary>
    public static string WithoutDigitRuns(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var spans = PhoneFinder.Find(text); spans.Count > 0; spans = PhoneFinder.Find(text))
        {
            var removed = new bool[text.Length];
            foreach (var span in spans)
            {
                Array.Fill(removed, true, span.Start, span.End - span.Start);
            }

            text = TrimConnectors(Rebuild(text, removed));
        }

        return text;
    }

    /// <summary>A CLOSE outcome: the rest of the text, whitespace tidied, leading punctuation dropped.</summary>
    public static string Outcome(string rest) => Spaces(rest).TrimStart(':', '-', ',', '.', ';', ' ').Trim();

    /// <summary>Runs of whitespace as one space, ends trimmed.</summary>
    public static string Spaces(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    // Walks the kept characters: words stay as typed; a run of separators between two words becomes the strongest one.
    private static string Rebuild(string text, bool[] removed)
    {
        var builder = new StringBuilder(text.Length);
        char? pending = null;
        var gap = false;
        var removedInGap = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            removedInGap |= removed[i];
            if (removed[i] || char.IsWhiteSpace(c) || char.IsControl(c) || c is '(' or ')' or '[' or ']' or '{' or '}')
            {
                gap = true;
                continue;
            }

            // A mark touching a kept word ("A&E", "2.30", "£20", "male/female") stays; one left between removed words goes,
            // and a left-over comma or full stop becomes one separator between what remains.
            if (!char.IsLetterOrDigit(c) && !Touches(text, removed, builder, gap, i))
            {
                if (Separators.Contains(c, StringComparison.Ordinal))
                {
                    pending = Stronger(pending, c);
                }

                gap = true;
                continue;
            }

            if (builder.Length > 0)
            {
                var joining = pending is '-' or '&' or '+' or '/' or '|';
                if (pending is { } p && !(joining && removedInGap))
                {
                    builder.Append(joining ? $" {p} " : $"{p} ");
                }
                else if (gap)
                {
                    builder.Append(' ');
                }
            }

            pending = null;
            gap = false;
            removedInGap = false;
            builder.Append(c);
        }

        return builder.ToString();
    }

    // Each clause loses connectors left dangling at its ends ("not injured but,"); clauses left empty go.
    private static string TrimConnectors(string text)
    {
        var clauses = new List<(List<string> Words, char End)>();
        var current = new List<string>();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var end = word[^1];
            if (word.Length > 1 && end is ',' or ';' or ':' or '.' or '!' or '?')
            {
                current.Add(word[..^1]);
                clauses.Add((current, end));
                current = [];
            }
            else
            {
                current.Add(word);
            }
        }

        clauses.Add((current, ' '));
        var kept = new List<string>();
        foreach (var (words, end) in clauses)
        {
            while (words.Count > 0 && (Words.LeadingConnectors.Contains(Bare(words[0])) || Bare(words[0]).Length == 0))
            {
                words.RemoveAt(0);
            }

            while (words.Count > 0 && (Words.TrailingConnectors.Contains(Bare(words[^1])) || Bare(words[^1]).Length == 0))
            {
                words.RemoveAt(words.Count - 1);
            }

            if (words.Count > 0)
            {
                kept.Add(string.Join(' ', words) + (end == ' ' ? string.Empty : end.ToString()));
            }
        }

        if (kept.Count > 0 && kept[^1][^1] is ',' or ';' or ':')
        {
            kept[^1] = kept[^1][..^1];
        }

        return string.Join(' ', kept);
    }

    private static string Bare(string word) => word.Trim(Separators.ToCharArray()).ToLowerInvariant();

    private static char Stronger(char? current, char next)
    {
        const string Strength = "+&/-|,:;!?.";
        if (current is not { } c)
        {
            return next;
        }

        return Strength.IndexOf(next, StringComparison.Ordinal) > Strength.IndexOf(c, StringComparison.Ordinal) ? next : c;
    }

    private static bool Touches(string text, bool[] removed, StringBuilder builder, bool gap, int i) =>
        Separators.Contains(text[i], StringComparison.Ordinal)
            ? !gap && WordBefore(builder) && NextIsWord(text, removed, i)
            : (!gap && WordBefore(builder)) || NextIsWord(text, removed, i);

    private static bool WordBefore(StringBuilder builder) => builder.Length > 0 && char.IsLetterOrDigit(builder[^1]);

    private static bool NextIsWord(string text, bool[] removed, int i) =>
        i + 1 < text.Length && !removed[i + 1] && char.IsLetterOrDigit(text[i + 1]);
}
