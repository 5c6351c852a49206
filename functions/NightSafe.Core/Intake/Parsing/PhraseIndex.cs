using System.Collections.Frozen;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>A vocabulary phrase (a town name, a category synonym) and what it names.</summary>
/// <param name="Told">True for phrases in ordinary words ("boyfriend hit"): their words stay in the description.</param>
internal sealed record Phrase(string Value, string[] Words, int Score, bool Told = false);

/// <summary>A phrase found in the text: tokens [<see cref="First"/>, <see cref="Last"/>].</summary>
internal readonly record struct PhraseMatch(Phrase Phrase, int First, int Last, int Score);

/// <summary>
/// Finds vocabulary phrases in tokens: exactly (allowing simple plural and -ed/-ing endings, and a few filler words such
/// as "was" or "her" inside a phrase) or, for single long words, with a small typo.
/// </summary>
internal sealed class PhraseIndex
{
    private const int MaxSkippedWords = 3;

    private static readonly FrozenSet<string> FillerInsidePhrase = new[]
    {
        "was", "were", "is", "been", "has", "had", "got", "get", "her", "his", "their", "my", "a", "the", "very", "being",
        "have", "really", "totally", "who", "just", "allegedly", "apparently", "an", "might", "may", "could",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly Dictionary<string, List<Phrase>> _byFirstWord = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Phrase>>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly HashSet<string> _words = new(StringComparer.Ordinal);
    private readonly HashSet<string> _forms = new(StringComparer.Ordinal);
    private readonly List<string> _fuzzyTargets = [];
    private readonly Dictionary<string, string?> _skeletons = new(StringComparer.Ordinal);

    public PhraseIndex(IEnumerable<Phrase> phrases, int shortestFuzzyTarget)
    {
        foreach (var phrase in phrases.Where(p => p.Words.Length > 0))
        {
            // Filed under its first word's other tense too ("threatened" is found from "threatening"), when more words
            // follow: a single word keeps its own form ("threatening" behaviour is not "threatened").
            foreach (var first in phrase.Words.Length > 1 ? StemsOf(phrase.Words[0]) : [phrase.Words[0]])
            {
                if (!_byFirstWord.TryGetValue(first, out var list))
                {
                    _byFirstWord[first] = list = [];
                }

                if (!list.Any(p => p.Words.SequenceEqual(phrase.Words)))
                {
                    list.Add(phrase);
                }
            }

            foreach (var word in phrase.Words)
            {
                if (_words.Add(word) && word.Length >= shortestFuzzyTarget && !char.IsAsciiDigit(word[0]))
                {
                    _fuzzyTargets.Add(word);
                }

                foreach (var form in StemsOf(word))
                {
                    _forms.Add(form);
                }
            }
        }

        foreach (var target in _fuzzyTargets)
        {
            var skeleton = Consonants(target);
            // Two vocabulary words with the same consonants make a skeleton ambiguous: it then names neither.
            _skeletons[skeleton] = _skeletons.TryGetValue(skeleton, out var other) && other != target ? null : target;
        }

        foreach (var list in _byFirstWord.Values)
        {
            list.Sort((x, y) => y.Words.Length.CompareTo(x.Words.Length));
        }

        _lookup = _byFirstWord.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The longest phrase that starts at token <paramref name="index"/>, using only free tokens.</summary>
    public PhraseMatch? ExactAt(IReadOnlyList<Token> tokens, ReadOnlySpan<bool> taken, int index)
    {
        foreach (var stem in Stems(tokens[index].Word))
        {
            if (!_lookup.TryGetValue(stem, out var phrases))
            {
                continue;
            }

            foreach (var phrase in phrases)
            {
                if (TryMatchRest(phrase, tokens, taken, index, out var last))
                {
                    return new PhraseMatch(phrase, index, last, phrase.Score - TypoPenalty(tokens, index, last));
                }
            }
        }

        return null;
    }

    /// <summary>Two tokens written as one vocabulary word ("chelms ford", "south end").</summary>
    public PhraseMatch? JoinedAt(IReadOnlyList<Token> tokens, ReadOnlySpan<bool> taken, int index)
    {
        if (index + 1 >= tokens.Count || taken[index + 1] || tokens[index].IsNumber || tokens[index + 1].IsNumber)
        {
            return null;
        }

        var joined = string.Concat(tokens[index].Word, tokens[index + 1].Word);
        return _lookup.TryGetValue(joined, out var phrases) && phrases.FirstOrDefault(p => p.Words.Length == 1) is { } phrase
            ? new PhraseMatch(phrase, index, index + 1, phrase.Score - TypoPenalty(tokens, index, index + 1))
            : null;
    }

    /// <summary>Whether the word, or its form without a plural or -ed/-ing ending, is a word of some phrase.</summary>
    public bool Knows(string word)
    {
        foreach (var stem in Stems(word))
        {
            if (_forms.GetAlternateLookup<ReadOnlySpan<char>>().Contains(stem))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The phrase word the token is a typo of (same first letter; one edit, or up to <paramref name="longWordEdits"/>
    /// for words of nine letters or more), with its distance; null when none is close.
    /// </summary>
    public (string Word, int Distance)? Correction(string word, int longWordEdits, int longWord = 9)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in _fuzzyTargets)
        {
            if (candidate[0] != word[0])
            {
                continue;
            }

            var allowed = candidate.Length >= longWord ? longWordEdits : 1;
            var distance = TextDistance.Within(word, candidate, allowed);
            if (distance > 0 && distance <= allowed && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is null ? null : (best, bestDistance);
    }

    /// <summary>
    /// The phrase word typed without its vowels or with them changed ("chlmsfrd", "bsldn"): same first letter and the
    /// same consonants in order, at least four of them; a distance of 2 is reported (a typo, scored as such).
    /// </summary>
    public (string Word, int Distance)? Skeleton(string word)
    {
        var typed = Consonants(word);
        if (typed.Length < 4 || word.Length > 2 * typed.Length)
        {
            return null;
        }

        return _skeletons.TryGetValue(typed, out var candidate) && candidate is not null && candidate != word ? (candidate, 2) : null;
    }

    private static string Consonants(string word)
    {
        Span<char> kept = stackalloc char[Math.Min(word.Length, 64)];
        var n = 0;
        for (var i = 0; i < word.Length && n < kept.Length; i++)
        {
            var c = word[i];
            if ((i > 0 && c is 'a' or 'e' or 'i' or 'o' or 'u') || (n > 0 && kept[n - 1] == c))
            {
                continue;
            }

            kept[n++] = c;
        }

        return new string(kept[..n]);
    }

    private static int TypoPenalty(IReadOnlyList<Token> tokens, int first, int last)
    {
        var typos = 0;
        for (var i = first; i <= last; i++)
        {
            typos += tokens[i].Typos;
        }

        return 20 * typos;
    }

    private static bool TryMatchRest(Phrase phrase, IReadOnlyList<Token> tokens, ReadOnlySpan<bool> taken, int index, out int last)
    {
        last = index;
        var skipped = 0;
        var position = index + 1;
        for (var w = 1; w < phrase.Words.Length; w++)
        {
            while (position < tokens.Count && !taken[position] && !Matches(tokens[position].Word, phrase.Words[w])
                   && FillerInsidePhrase.Contains(tokens[position].Word) && skipped < MaxSkippedWords)
            {
                position++;
                skipped++;
            }

            if (position >= tokens.Count || taken[position] || !Matches(tokens[position].Word, phrase.Words[w]))
            {
                return false;
            }

            last = position;
            position++;
        }

        return true;
    }

    /// <summary>
    /// The token is the phrase word, or the two share a form without a plural or -ed/-ing ending ("threatening" is
    /// "threatened", "injuries" is "injury").
    /// </summary>
    private static bool Matches(string token, string word)
    {
        foreach (var stem in Stems(token))
        {
            if (stem.SequenceEqual(word))
            {
                return true;
            }
        }

        return OtherTense(token, word);
    }

    // "threatening" for "threatened" and back: one verb, another tense. Only between those two endings ("faint" is not
    // "fainted", "wanted" is not "wants").
    private static bool OtherTense(string token, string word) =>
        !NotAVerbHere.Contains(token) && !NotAVerbHere.Contains(word)
        && (token.EndsWith("ing", StringComparison.Ordinal) && word.EndsWith("ed", StringComparison.Ordinal) && token.Length >= 7 && word.Length >= 6
            && token.AsSpan(0, token.Length - 3).SequenceEqual(word.AsSpan(0, word.Length - 2)))
        || (token.EndsWith("ed", StringComparison.Ordinal) && word.EndsWith("ing", StringComparison.Ordinal) && token.Length >= 6 && word.Length >= 7
            && token.AsSpan(0, token.Length - 2).SequenceEqual(word.AsSpan(0, word.Length - 3)));

    // -ing words officers use as prepositions: "following a report" is not "followed".
    private static readonly FrozenSet<string> NotAVerbHere = new[] { "following", "concerning", "regarding", "including", "according" }.ToFrozenSet(StringComparer.Ordinal);

    // The forms a phrase's first word is filed under: itself, and its other tense ("threatened": "threatening").
    private static List<string> StemsOf(string word)
    {
        var forms = new List<string>(2) { word };
        if (NotAVerbHere.Contains(word))
        {
            return forms;
        }

        if (word.Length >= 6 && word.EndsWith("ed", StringComparison.Ordinal) && !NotAVerbHere.Contains(word[..^2] + "ing"))
        {
            forms.Add(word[..^2] + "ing");
        }
        else if (word.Length >= 7 && word.EndsWith("ing", StringComparison.Ordinal))
        {
            forms.Add(word[..^3] + "ed");
        }

        return forms;
    }



    /// <summary>The word and its forms without a plural or -ed/-ing ending ("injuries" is also "injury").</summary>
    private static StemEnumerable Stems(string word) => new(word);

    private readonly ref struct StemEnumerable(string word)
    {
        public StemEnumerator GetEnumerator() => new(word);
    }

    private ref struct StemEnumerator(string word)
    {
        private int _step = -1;
        private ReadOnlySpan<char> _current;
        private char[]? _buffer;

        public readonly ReadOnlySpan<char> Current => _current;

        public bool MoveNext()
        {
            while (++_step <= 5)
            {
                var span = word.AsSpan();
                switch (_step)
                {
                    case 0:
                        _current = span;
                        return true;
                    case 1 when span.Length >= 4 && span.EndsWith("ies"):
                        _buffer ??= new char[span.Length];
                        span[..^3].CopyTo(_buffer);
                        _buffer[span.Length - 3] = 'y';
                        _current = _buffer.AsSpan(0, span.Length - 2);
                        return true;
                    case 2 when span.Length >= 4 && span.EndsWith("s") && !span.EndsWith("ss"):
                        _current = span[..^1];
                        return true;
                    case 3 when span.Length >= 5 && span.EndsWith("es"):
                        _current = span[..^2];
                        return true;
                    case 4 when span.Length >= 6 && span.EndsWith("ed"):
                        _current = span[..^2];
                        return true;
                    case 5 when span.Length >= 7 && span.EndsWith("ing"):
                        _current = span[..^3];
                        return true;
                }
            }

            return false;
        }
    }
}
