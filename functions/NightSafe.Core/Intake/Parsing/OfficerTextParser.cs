using NightSafe.Core.References;
using NightSafe.Core.World;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>
/// Reads an officer's SMS, typed on a phone at 2 a.m.: HELP, STATUS &lt;ref&gt;, CLOSE &lt;ref&gt; &lt;outcome&gt;, or a
/// referral with a town (typos and aliases tolerated), categories by keyword and synonym, the subject's phone number in
/// any common UK format, consent words, a location ("outside X", "near X", "on X St") and the rest as the description.
/// Never throws; linear-ish in the text (no regular expressions); texts longer than <see cref="MaxLength"/> are cut.
/// Build one per world and share it: it is immutable and thread-safe.
/// </summary>
public sealed class OfficerTextParser
{
    /// <summary>Twilio's longest message body; anything beyond is ignored.</summary>
    public const int MaxLength = 1600;

    private const int TownScoreName = 100;
    private const int TownScoreAlias = 90;
    private const int TownScoreShortAlias = 60;
    private const int RoadNamePenalty = 80;

    // Marks an exclusion phrase in the category index (compared by reference, never a category id).
    private static readonly string Excluded = new('-', 1);

    private readonly RoutingWorld _world;
    private readonly PhraseIndex _towns;
    private readonly PhraseIndex _categories;
    private readonly ParserReplies _replies;

    public OfficerTextParser(RoutingWorld world)
    {
        _world = world ?? throw new ArgumentNullException(nameof(world));
        _towns = new PhraseIndex(TownPhrases(world), shortestFuzzyTarget: 5);
        _categories = new PhraseIndex(CategoryPhrases(world), shortestFuzzyTarget: 5);
        _replies = new ParserReplies(world);
    }

    /// <summary>A referral text that this parser reads fully, for HELP replies and examples.</summary>
    public string ExampleReferral => _replies.Example;

    /// <summary>Reads a text; a referral without a town is <see cref="NotUnderstood"/>.</summary>
    public OfficerMessage Parse(string? text) => Parse(text, defaultTownId: null);

    /// <summary>
    /// Reads a text; a referral that names no town takes <paramref name="defaultTownId"/> when it is a town in the world
    /// (for example the rostered officer's town).
    /// </summary>
    public OfficerMessage Parse(string? text, TownId? defaultTownId)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return _replies.NothingUnderstood();
        }

        if (text.Length > MaxLength)
        {
            text = text[..MaxLength];
        }

        var tokens = Corrected(Tokenizer.Split(text));
        if (tokens.Count == 0)
        {
            return text.Contains('?', StringComparison.Ordinal) ? new HelpRequest() : _replies.NothingUnderstood();
        }

        var first = tokens[0].Word;
        if (Words.HelpWords.Contains(first)
            && (tokens.Count == 1 || (tokens.Count == 2 && Words.HelpTails.Contains(tokens[1].Word))))
        {
            return new HelpRequest();
        }

        if (IsStatusWord(first))
        {
            return ReadReference(text, tokens, 1, out var code, out _)
                ? new StatusRequest(code)
                : _replies.StatusWithoutReference();
        }

        if (first == "add" && ReadReference(text, tokens, 1, out var added, out var addedEnd))
        {
            var more = TextTidy.Outcome(text[addedEnd..]);
            return more.Length > 0 ? new AddRequest(added, more) : ParserReplies.AddWithoutText(added);
        }

        if (IsCloseWord(first))
        {
            if (ReadReference(text, tokens, 1, out var code, out var end))
            {
                var outcome = TextTidy.Outcome(text[end..]);
                return outcome.Length > 0 ? new CloseRequest(code, outcome) : ParserReplies.CloseWithoutOutcome(code);
            }

            // "close to the station..." may be a referral; if nothing of one is there, the officer meant CLOSE.
            var attempt = ReadReferral(text, tokens, defaultTownId);
            return attempt is NotUnderstood { Missing.Count: 2 } ? _replies.CloseWithoutReference() : attempt;
        }

        var referral = ReadReferral(text, tokens, defaultTownId);
        return referral is NotUnderstood { Missing.Count: 2 } && Words.HelpWords.Contains(first) ? new HelpRequest() : referral;
    }

    private OfficerMessage ReadReferral(string text, List<Token> tokens, TownId? defaultTownId)
    {
        var reading = new Reading(text, tokens);
        var phones = PhoneFinder.Find(text);
        reading.MarkPhones(phones);
        var structured = StructuredLocation.Find(reading);
        var consent = ConsentReader.Read(reading);
        var negated = new List<string>();
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        var categories = ReadCategories(reading, words, negated);
        var townId = ReadTown(reading) is { } named ? TownId.From(named) : (TownId?)null;
        var fromRoster = false;
        if (townId is null && defaultTownId is { } rostered && _world.FindTown(rostered) is not null)
        {
            townId = defaultTownId;
            fromRoster = true;
        }

        var missing = new List<string>(2);
        if (townId is null)
        {
            missing.Add(MissingParts.Town);
        }

        if (categories.Count == 0)
        {
            missing.Add(MissingParts.Category);
        }

        var inWords = LocationReader.Read(reading);
        var location = structured is null ? inWords : inWords is null ? structured.Text : $"{inWords} {structured.Text}";
        location = location is null || structured is not null ? location : TextTidy.WithoutDigitRuns(location) is { Length: > 0 } tidy ? tidy : null;
        // "her mum's number 07700 900123", "friends number is ...": someone else's phone; the advice must not go there.
        var theirs = phones.Where(p => !SomeoneElses(reading, p)).ToList();
        var subjectPhone = theirs.FirstOrDefault(p => p.E164 is not null).E164;
        var unreadablePhone = subjectPhone is null && theirs.Any(p => p.LooksLikePhone);
        var ordered = _world.Categories.Select(c => c.Id).Where(id => categories.Contains(id.Value)).ToList();
        var description = TextTidy.Description(reading);
        if (missing.Count > 0)
        {
            var partial = new PartialReferral(fromRoster ? null : townId, ordered, subjectPhone, consent, location, description, unreadablePhone);
            OfficerMessage incomplete = _replies.Missing(missing) with { Partial = partial };
            return incomplete;
        }

        var draft = new ReferralDraft(townId!.Value, ordered, subjectPhone, consent, location, description)
        {
            UnreadablePhone = unreadablePhone,
            TownFromRoster = fromRoster,
            Notes = new ReadingNotes(words, negated.Distinct(StringComparer.Ordinal).ToList(), structured?.Kind ?? LocationKind.Words),
        };
        return new ReferralRequest(draft);
    }

    // The words just before the number, in its own statement, name another person as its owner.
    private static bool SomeoneElses(Reading reading, PhoneSpan phone)
    {
        var tokens = reading.Tokens;
        var at = 0;
        while (at < tokens.Count && tokens[at].End <= phone.Start)
        {
            at++;
        }

        for (var k = at - 1; k >= 0 && at - k <= 6 && (k + 1 >= tokens.Count || reading.Joined(k, k + 1)); k--)
        {
            var word = tokens[k].Word;
            if (Words.OtherPeople.Contains(word))
            {
                return true;
            }

            if (!Words.PhoneLabels.Contains(word) && word is not ("is" or "s" or "her" or "his" or "their" or "via" or "through" or "if" or "needed" or "given" or "as" or "well" or "too" or "also"))
            {
                return false;
            }
        }

        return false;
    }

    private HashSet<string> ReadCategories(Reading reading, Dictionary<string, string> words, List<string> negated)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var lastSaid = new Dictionary<string, int>(StringComparer.Ordinal);
        var takenBack = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokens = reading.Tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (reading.Taken[i] || tokens[i].IsNumber)
            {
                continue;
            }

            if (_categories.ExactAt(tokens, reading.Taken, i) is not { } m || IsPlaceName(reading, m))
            {
                continue;
            }

            if (ReferenceEquals(m.Phrase.Value, Excluded))
            {
                // "leave her alone": not a concern, and none of its words may start one.
                i = m.Last;
                continue;
            }

            if (Negation.Covers(reading, m.First, m.Last))
            {
                negated.Add(m.Phrase.Value);
                if (Negation.TakesBack(reading, m.First, m.Last))
                {
                    takenBack[m.Phrase.Value] = m.First;
                }

                i = m.Last;
                continue;
            }

            lastSaid[m.Phrase.Value] = m.First;

            var first = m.First;
            while (first > 0 && !reading.Taken[first - 1] && reading.Joined(first - 1, first)
                   && Words.Intensifiers.Contains(tokens[first - 1].Word))
            {
                first--;
            }

            if (found.Add(m.Phrase.Value))
            {
                words[m.Phrase.Value] = TextTidy.Spaces(reading.Text[tokens[m.First].Start..tokens[m.Last].End]);
            }

            if (m.Phrase.Told)
            {
                reading.Mark(m.First, m.Last, Role.Told);
            }
            else
            {
                reading.Mark(first, m.Last, Role.Category);
            }

            i = m.Last;
        }

        // The officer's conclusion comes after what happened: "tripped on the kerb, says no injuries" is no injury, while
        // "no injuries at first, now bleeding" is one.
        foreach (var (category, at) in takenBack)
        {
            if (lastSaid.TryGetValue(category, out var said) && said < at)
            {
                found.Remove(category);
                words.Remove(category);
            }
        }

        // "wants help with how he treats his partner, has been controlling": the abuse is his own, not done to him.
        foreach (var category in _world.Categories.Where(c => c.Supersedes.Count > 0 && found.Contains(c.Id.Value)))
        {
            foreach (var superseded in category.Supersedes)
            {
                found.Remove(superseded.Value);
                words.Remove(superseded.Value);
            }
        }

        return found;
    }

    private string? ReadTown(Reading reading)
    {
        var tokens = reading.Tokens;
        PhraseMatch? best = null;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (reading.Taken[i] || tokens[i].IsNumber)
            {
                continue;
            }

            foreach (var candidate in (ReadOnlySpan<PhraseMatch?>)[_towns.ExactAt(tokens, reading.Taken, i), _towns.JoinedAt(tokens, reading.Taken, i)])
            {
                if (candidate is not { } c)
                {
                    continue;
                }

                // "Colchester Road" in Southend is a road, not the town.
                var score = reading.FollowedBy(c.Last, Words.StreetSuffixes) ? c.Score - RoadNamePenalty : c.Score;
                // Ties go to the longer match ("chelms ford" is Chelmsford, not the alias "chelms" and a ford).
                if (best is not { } b || score > b.Score || (score == b.Score && c.First == b.First && c.Last > b.Last))
                {
                    best = c with { Score = score };
                }
            }
        }

        if (best is not { } chosen)
        {
            return null;
        }

        reading.Mark(chosen.First, chosen.Last, Role.Town);
        if (chosen.First > 0 && !reading.Taken[chosen.First - 1] && reading.Joined(chosen.First - 1, chosen.First)
            && Words.PrepositionsBeforeTown.Contains(tokens[chosen.First - 1].Word))
        {
            reading.Mark(chosen.First - 1, chosen.First - 1, Role.Filler);
        }

        return chosen.Phrase.Value;
    }

    // Typos are corrected word by word before any matching, so "spikd drink" reads as the phrase "spiked drink".
    private List<Token> Corrected(List<Token> tokens)
    {
        List<Token>? corrected = null;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.IsNumber && CorrectionOf(token.Word) is { } b)
            {
                corrected ??= [.. tokens];
                corrected[i] = token with { Word = b.Word, Typos = b.Distance };
            }
        }

        return corrected ?? tokens;
    }

    /// <summary>The town or category word <paramref name="word"/> is taken to be a typo of, with its distance; null when none.</summary>
    internal (string Word, int Distance)? CorrectionOf(string word)
    {
        if (word.Length < 4 || Words.NeverCorrected.Contains(word) || Words.ContactWords.Contains(word) || Words.ConsentWords.Contains(word) || _categories.Knows(word) || _towns.Knows(word))
        {
            return null;
        }

        // Town names are distinctive enough for two typos in a long name, or for their vowels left out ("chlmsfrd");
        // category words are not ("injunction").
        var category = _categories.Correction(word, longWordEdits: 1);
        var town = word.Length >= 5 ? _towns.Correction(word, longWordEdits: 2, longWord: 7) ?? _towns.Skeleton(word) : null;
        return town is { } t && (category is null || t.Distance < category.Value.Distance) ? town : category;
    }

    // "taxi rank", "High St": a one-word synonym naming a place, not a concern.
    private static bool IsPlaceName(Reading reading, PhraseMatch match) =>
        match.First == match.Last && reading.FollowedBy(match.Last, Words.PlaceNouns);

    private static bool ReadReference(string text, List<Token> tokens, int from, out ReferenceCode code, out int end)
    {
        code = default;
        end = 0;
        var i = from;
        for (var skipped = 0; i < tokens.Count && skipped < 2 && Words.ReferenceFillers.Contains(tokens[i].Word); skipped++)
        {
            i++;
        }

        // The code may be typed whole ("7KQ2MX") or in pieces ("7KQ 2MX", "7KQ-2MX").
        var length = 0;
        for (var last = i; last < tokens.Count && last < i + 3; last++)
        {
            length += tokens[last].End - tokens[last].Start;
            if (last > i && !OnlySeparators(text, tokens[last - 1].End, tokens[last].Start))
            {
                return false;
            }

            if (length > ReferenceCode.Length)
            {
                return false;
            }

            if (length == ReferenceCode.Length)
            {
                var typed = text[tokens[i].Start..tokens[last].End];
                if (ReferenceCode.TryParse(typed, out code))
                {
                    end = tokens[last].End;
                    return true;
                }

                return false;
            }
        }

        return false;
    }

    private static bool OnlySeparators(string text, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (text[i] is not (' ' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsStatusWord(string word) =>
        Words.StatusWords.Contains(word) || (word.Length >= 5 && TextDistance.Within(word, "status", 1) <= 1);

    private static bool IsCloseWord(string word) =>
        Words.CloseWords.Contains(word) || (word.Length >= 4 && word[0] == 'c' && TextDistance.Within(word, "close", 1) <= 1);

    private static IEnumerable<Phrase> TownPhrases(RoutingWorld world)
    {
        foreach (var town in world.Towns)
        {
            yield return new Phrase(town.Id.Value, Tokenizer.Words(town.Name), TownScoreName);
            yield return new Phrase(town.Id.Value, Tokenizer.Words(town.Id.Value), TownScoreName);
            foreach (var alias in town.Aliases)
            {
                var words = Tokenizer.Words(alias);
                yield return new Phrase(town.Id.Value, words, words.Sum(w => w.Length) >= 5 ? TownScoreAlias : TownScoreShortAlias);
            }
        }
    }

    private static IEnumerable<Phrase> CategoryPhrases(RoutingWorld world)
    {
        foreach (var category in world.Categories)
        {
            foreach (var synonym in category.Synonyms)
            {
                foreach (var words in Alternatives(synonym))
                {
                    yield return new Phrase(category.Id.Value, words, 100, Told: synonym.Contains('/', StringComparison.Ordinal));
                }
            }

            yield return new Phrase(category.Id.Value, Tokenizer.Words(category.Id.Value), 100);
            foreach (var words in category.Excludes.SelectMany(Alternatives))
            {
                yield return new Phrase(Excluded, words, 100);
            }
        }
    }

    // "boyfriend/partner hit/punched" is four phrases: every choice of one alternative per space-separated word.
    private static IEnumerable<string[]> Alternatives(string synonym)
    {
        IEnumerable<string[]> phrases = [[]];
        foreach (var part in synonym.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var choices = part.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Tokenizer.Words).ToList();
            phrases = phrases.SelectMany(p => choices.Select(c => (string[])[.. p, .. c])).ToList();
        }

        return phrases.Where(p => p.Length > 0);
    }
}
