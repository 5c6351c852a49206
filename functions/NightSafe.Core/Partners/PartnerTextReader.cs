using System.Collections.Frozen;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Outcomes;
using NightSafe.Core.References;

namespace NightSafe.Core.Partners;

/// <summary>What a text from a partner duty phone says, read against that agency's cases.</summary>
public abstract record PartnerReading
{
    private PartnerReading()
    {
    }

    /// <summary>An outcome for one of the agency's cases. <paramref name="Guessed"/>: the reference was missing or mistyped and was worked out.</summary>
    public sealed record Answer(PartnerOutcome Outcome, ReferenceCode Reference, string? Note, bool Guessed) : PartnerReading;

    /// <summary>No reference, or one that could be several of its open cases: ask which.</summary>
    public sealed record WhichCase(PartnerOutcome Outcome, IReadOnlyList<ReferenceCode> Open) : PartnerReading;

    /// <summary>A reference that is none of the agency's cases (nor one typo away from exactly one open case).</summary>
    public sealed record UnknownCase(PartnerOutcome Outcome, string Reference) : PartnerReading;

    /// <summary>No reference and the agency has no open case.</summary>
    public sealed record NoOpenCase(PartnerOutcome Outcome) : PartnerReading;

    public sealed record Help : PartnerReading;

    public sealed record NotUnderstood : PartnerReading;
}

/// <summary>
/// Reads partners' texts forgivingly: <c>ACC 7KQ2MX</c>, <c>accept</c>, <c>DEC 7KQ2MX no capacity</c>, <c>ATT 7KQ2MX</c>,
/// <c>DONE 7KQ2MX taken home</c>, in any case, with common typos and words ("on it", "arrived", "cant, all busy"), the
/// reference before or after the word. A missing reference means the agency's one open case; a reference with one wrong,
/// missing or extra character means the one open case it is that close to. Anything less certain is asked about.
/// </summary>
public static class PartnerTextReader
{
    private static readonly FrozenDictionary<string, PartnerOutcome> Words = new Dictionary<string, PartnerOutcome>(StringComparer.Ordinal)
    {
        ["acc"] = PartnerOutcome.Accepted, ["ac"] = PartnerOutcome.Accepted, ["acpt"] = PartnerOutcome.Accepted, ["accpt"] = PartnerOutcome.Accepted,
        ["accept"] = PartnerOutcome.Accepted, ["accepted"] = PartnerOutcome.Accepted, ["accepting"] = PartnerOutcome.Accepted,
        ["ack"] = PartnerOutcome.Accepted, ["yes"] = PartnerOutcome.Accepted, ["y"] = PartnerOutcome.Accepted, ["yep"] = PartnerOutcome.Accepted,
        ["ok"] = PartnerOutcome.Accepted, ["okay"] = PartnerOutcome.Accepted, ["take"] = PartnerOutcome.Accepted, ["taking"] = PartnerOutcome.Accepted,
        ["omw"] = PartnerOutcome.Accepted, ["coming"] = PartnerOutcome.Accepted, ["enroute"] = PartnerOutcome.Accepted,

        ["dec"] = PartnerOutcome.Declined, ["dcl"] = PartnerOutcome.Declined, ["decl"] = PartnerOutcome.Declined, ["decline"] = PartnerOutcome.Declined,
        ["declined"] = PartnerOutcome.Declined, ["declining"] = PartnerOutcome.Declined, ["reject"] = PartnerOutcome.Declined,
        ["refuse"] = PartnerOutcome.Declined, ["pass"] = PartnerOutcome.Declined,

        ["att"] = PartnerOutcome.Attended, ["attd"] = PartnerOutcome.Attended, ["attend"] = PartnerOutcome.Attended, ["attended"] = PartnerOutcome.Attended,
        ["attending"] = PartnerOutcome.Attended, ["arrived"] = PartnerOutcome.Attended, ["arr"] = PartnerOutcome.Attended, ["here"] = PartnerOutcome.Attended,
        ["onscene"] = PartnerOutcome.Attended,

        ["done"] = PartnerOutcome.Closed, ["dne"] = PartnerOutcome.Closed, ["closed"] = PartnerOutcome.Closed, ["close"] = PartnerOutcome.Closed,
        ["cls"] = PartnerOutcome.Closed, ["complete"] = PartnerOutcome.Closed, ["completed"] = PartnerOutcome.Closed, ["finished"] = PartnerOutcome.Closed,
        ["fin"] = PartnerOutcome.Closed, ["resolved"] = PartnerOutcome.Closed, ["sorted"] = PartnerOutcome.Closed,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Words that are a reason as well as an answer: the whole text is kept as the note ("cant, all out").
    private static readonly FrozenDictionary<string, PartnerOutcome> ReasonWords = new Dictionary<string, PartnerOutcome>(StringComparer.Ordinal)
    {
        ["no"] = PartnerOutcome.Declined, ["n"] = PartnerOutcome.Declined, ["nope"] = PartnerOutcome.Declined, ["cant"] = PartnerOutcome.Declined,
        ["cannot"] = PartnerOutcome.Declined, ["unable"] = PartnerOutcome.Declined, ["busy"] = PartnerOutcome.Declined,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly (string[] Words, PartnerOutcome Outcome)[] Phrases =
    [
        (["on", "it"], PartnerOutcome.Accepted),
        (["on", "our", "way"], PartnerOutcome.Accepted),
        (["on", "my", "way"], PartnerOutcome.Accepted),
        (["on", "way"], PartnerOutcome.Accepted),
        (["en", "route"], PartnerOutcome.Accepted),
        (["will", "attend"], PartnerOutcome.Accepted),
        (["will", "go"], PartnerOutcome.Accepted),
        (["on", "scene"], PartnerOutcome.Attended),
        (["at", "scene"], PartnerOutcome.Attended),
        (["with", "them"], PartnerOutcome.Attended),
        (["with", "her"], PartnerOutcome.Attended),
        (["with", "him"], PartnerOutcome.Attended),
        (["all", "done"], PartnerOutcome.Closed),
    ];

    // Typos one edit away from these (words of five letters or more) are read as them.
    private static readonly (string Word, PartnerOutcome Outcome)[] Forgiving =
    [
        ("accept", PartnerOutcome.Accepted), ("accepted", PartnerOutcome.Accepted), ("decline", PartnerOutcome.Declined),
        ("declined", PartnerOutcome.Declined), ("attend", PartnerOutcome.Attended), ("attended", PartnerOutcome.Attended),
        ("arrived", PartnerOutcome.Attended), ("closed", PartnerOutcome.Closed), ("complete", PartnerOutcome.Closed),
        ("completed", PartnerOutcome.Closed), ("finished", PartnerOutcome.Closed), ("resolved", PartnerOutcome.Closed),
    ];

    private static readonly FrozenSet<string> HelpWords = new[] { "help", "?", "hlp", "commands", "menu", "info" }.ToFrozenSet(StringComparer.Ordinal);

    /// <param name="text">The SMS body.</param>
    /// <param name="open">The agency's cases still waiting for an answer or in hand (tonight and last night).</param>
    /// <param name="known">Every case the agency has (tonight and last night), open or not.</param>
    public static PartnerReading Read(string text, IReadOnlyCollection<ReferenceCode> open, IReadOnlyCollection<ReferenceCode> known)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(known);
        var raw = text.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToList();
        var tokens = raw.Select(Normalise).ToList();
        // Glued forms: "ACC7KQ2MX", "acc:7kq2mx".
        for (var i = 0; i < tokens.Count; i++)
        {
            if (SplitGlued(tokens[i]) is { } glued)
            {
                tokens[i] = glued.Word;
                tokens.Insert(i + 1, glued.Reference);
                raw[i] = glued.Word;
                raw.Insert(i + 1, glued.Reference);
            }
        }

        var keep = Enumerable.Repeat(true, tokens.Count).ToArray();
        if (tokens.Count == 0)
        {
            return new PartnerReading.NotUnderstood();
        }

        if (tokens.Count <= 2 && HelpWords.Contains(tokens[0]))
        {
            return new PartnerReading.Help();
        }

        // The reference may come first ("7KQ2MX acc").
        var start = 0;
        string? reference = null;
        if (tokens.Count > 1 && LooksLikeReference(tokens[0], open, known) && Outcome(tokens, 1) is not null)
        {
            reference = tokens[0];
            keep[0] = false;
            start = 1;
        }

        if (Outcome(tokens, start) is not { } found)
        {
            return new PartnerReading.NotUnderstood();
        }

        var (outcome, length, isReason) = found;
        for (var i = start; i < start + length && !isReason; i++)
        {
            keep[i] = false;
        }

        // Right after the word, six characters that read as a code are a reference even without a digit: a code of
        // letters only ("KQTMXR") that is not the agency's must be asked about, never taken for its one open case.
        var next = start + length;
        if (reference is null && !isReason && next < tokens.Count && tokens[next].Length == ReferenceCode.Length && ReferenceCode.TryParse(tokens[next], out _))
        {
            reference = tokens[next];
            keep[next] = false;
        }

        if (reference is null)
        {
            for (var i = start + (isReason ? 0 : length); i < tokens.Count; i++)
            {
                if (LooksLikeReference(tokens[i], open, known))
                {
                    reference = tokens[i];
                    keep[i] = false;
                    break;
                }
            }
        }

        var note = string.Join(' ', raw.Where((_, i) => keep[i])).Trim(' ', ',', '.', '-', ':', ';');
        return Resolve(outcome, reference, note.Length == 0 ? null : note, open, known);
    }

    private static PartnerReading Resolve(PartnerOutcome outcome, string? reference, string? note, IReadOnlyCollection<ReferenceCode> open, IReadOnlyCollection<ReferenceCode> known)
    {
        if (reference is null)
        {
            return open.Count switch
            {
                0 => new PartnerReading.NoOpenCase(outcome),
                1 => new PartnerReading.Answer(outcome, open.First(), note, Guessed: true),
                _ => new PartnerReading.WhichCase(outcome, open.Order().ToList()),
            };
        }

        if (ReferenceCode.TryParse(reference, out var exact) && known.Contains(exact))
        {
            return new PartnerReading.Answer(outcome, exact, note, Guessed: false);
        }

        var close = Near(reference, open);
        return close.Count switch
        {
            1 => new PartnerReading.Answer(outcome, close[0], note, Guessed: true),
            > 1 => new PartnerReading.WhichCase(outcome, close),
            _ => new PartnerReading.UnknownCase(outcome, reference.ToUpperInvariant()),
        };
    }

    /// <summary>Open cases one edit (wrong, missing, extra or swapped character) from the text, read as Crockford does.</summary>
    private static List<ReferenceCode> Near(string text, IReadOnlyCollection<ReferenceCode> open)
    {
        var typed = Crockford(text);
        return open.Where(code => TextDistance.Within(typed, code.ToString(), 1) <= 1).Order().ToList();
    }

    private static string Crockford(string text) =>
        string.Concat(text.ToUpperInvariant().Select(c => c switch { 'I' or 'L' => '1', 'O' => '0', _ => c }));

    private static bool LooksLikeReference(string token, IReadOnlyCollection<ReferenceCode> open, IReadOnlyCollection<ReferenceCode> known)
    {
        if (token.Length is < ReferenceCode.Length - 1 or > ReferenceCode.Length + 1 || !token.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }

        if (ReferenceCode.TryParse(token, out var code) && known.Contains(code))
        {
            return true;
        }

        // A word is a reference only when it has a digit or is close to an open case: "tonight" stays in the note.
        return (token.Any(char.IsAsciiDigit) && !Words.ContainsKey(token)) || Near(token, open).Count > 0;
    }

    private static (PartnerOutcome Outcome, int Length, bool IsReason)? Outcome(List<string> tokens, int at)
    {
        if (at >= tokens.Count)
        {
            return null;
        }

        foreach (var (words, outcome) in Phrases)
        {
            if (at + words.Length <= tokens.Count && words.Select((w, i) => tokens[at + i] == w).All(x => x))
            {
                return (outcome, words.Length, false);
            }
        }

        var word = tokens[at];
        if (Words.TryGetValue(word, out var direct))
        {
            return (direct, 1, false);
        }

        if (ReasonWords.TryGetValue(word, out var reason))
        {
            return (reason, 1, true);
        }

        if (word.Length >= 5)
        {
            foreach (var (candidate, outcome) in Forgiving)
            {
                if (TextDistance.Within(word, candidate, 1) <= 1)
                {
                    return (outcome, 1, false);
                }
            }
        }

        return null;
    }

    private static (string Word, string Reference)? SplitGlued(string token)
    {
        foreach (var word in (string[])["acc", "dec", "att", "done"])
        {
            if (token.Length == word.Length + ReferenceCode.Length && token.StartsWith(word, StringComparison.Ordinal) && ReferenceCode.TryParse(token[word.Length..], out _))
            {
                return (word, token[word.Length..]);
            }
        }

        return null;
    }

    private static string Normalise(string token)
    {
        var lower = token.ToLowerInvariant().Replace("'", string.Empty, StringComparison.Ordinal).Replace("\u2019", string.Empty, StringComparison.Ordinal);
        var trimmed = lower.Trim('.', ',', '!', ':', ';', '-', '"', '(', ')').TrimEnd('?');
        return trimmed.Length == 0 && lower.Contains('?', StringComparison.Ordinal) ? "?" : trimmed;
    }
}
