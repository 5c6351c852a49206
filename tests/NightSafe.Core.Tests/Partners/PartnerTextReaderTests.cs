using NightSafe.Core.Partners;
using NightSafe.Core.References;

namespace NightSafe.Core.Tests.Partners;

/// <summary>
/// A corpus of partner texts as duty phones send them on a busy night. "one" is an agency with one open case (7KQ2MX);
/// "two" has two (7KQ2MX, 3HJ9PA); both also have a finished case ZZ0001 from earlier.
/// Expected: answer|outcome|reference|note, which|outcome, unknown|outcome|typed, none|outcome, help, no.
/// </summary>
public sealed class PartnerTextReaderTests
{
    public static TheoryData<string, string, string> Corpus => new()
    {
        // The forms the alert asks for.
        { "ACC 7KQ2MX", "two", "answer|Accepted|7KQ2MX|" },
        { "DEC 7KQ2MX", "two", "answer|Declined|7KQ2MX|" },
        { "ATT 7KQ2MX", "two", "answer|Attended|7KQ2MX|" },
        { "DONE 7KQ2MX", "two", "answer|Closed|7KQ2MX|" },
        { "DEC 7KQ2MX no capacity", "two", "answer|Declined|7KQ2MX|no capacity" },
        { "DONE 7KQ2MX taken home", "two", "answer|Closed|7KQ2MX|taken home" },
        { "ACC 3HJ9PA", "two", "answer|Accepted|3HJ9PA|" },
        // Any case, words in full, punctuation.
        { "acc 7kq2mx", "two", "answer|Accepted|7KQ2MX|" },
        { "Accept 7KQ2MX", "two", "answer|Accepted|7KQ2MX|" },
        { "accepted 7kq2mx.", "two", "answer|Accepted|7KQ2MX|" },
        { "Declined 3hj9pa - all teams out", "two", "answer|Declined|3HJ9PA|all teams out" },
        { "Attended 7KQ2MX!", "two", "answer|Attended|7KQ2MX|" },
        { "Done: 7KQ2MX, handed to paramedics", "two", "answer|Closed|7KQ2MX|handed to paramedics" },
        { "closed 7KQ2MX friend collected her", "two", "answer|Closed|7KQ2MX|friend collected her" },
        { "ACC 7KQ2MX 10 mins away", "two", "answer|Accepted|7KQ2MX|10 mins away" },
        // The reference first, or glued on.
        { "7KQ2MX acc", "two", "answer|Accepted|7KQ2MX|" },
        { "3HJ9PA done safe in taxi", "two", "answer|Closed|3HJ9PA|safe in taxi" },
        { "ACC7KQ2MX", "two", "answer|Accepted|7KQ2MX|" },
        // Typos in the word.
        { "accpet 7KQ2MX", "two", "answer|Accepted|7KQ2MX|" },
        { "acept 7KQ2MX", "two", "answer|Accepted|7KQ2MX|" },
        { "decilne 7KQ2MX", "two", "answer|Declined|7KQ2MX|" },
        { "atended 7KQ2MX", "two", "answer|Attended|7KQ2MX|" },
        { "arived 3HJ9PA", "two", "answer|Attended|3HJ9PA|" },
        { "finsihed 7KQ2MX", "two", "answer|Closed|7KQ2MX|" },
        // Ordinary words.
        { "on it 7KQ2MX", "two", "answer|Accepted|7KQ2MX|" },
        { "On our way 3HJ9PA", "two", "answer|Accepted|3HJ9PA|" },
        { "en route 7KQ2MX", "two", "answer|Accepted|7KQ2MX|" },
        { "with her now 7KQ2MX", "two", "answer|Attended|7KQ2MX|now" },
        { "on scene 3HJ9PA", "two", "answer|Attended|3HJ9PA|" },
        { "cant 7KQ2MX all out on calls", "two", "answer|Declined|7KQ2MX|cant all out on calls" },
        { "all done 7KQ2MX", "two", "answer|Closed|7KQ2MX|" },
        // No reference: the agency's one open case.
        { "accept", "one", "answer|Accepted|7KQ2MX|" },
        { "ACC", "one", "answer|Accepted|7KQ2MX|" },
        { "ok", "one", "answer|Accepted|7KQ2MX|" },
        { "DONE taken home by friend", "one", "answer|Closed|7KQ2MX|taken home by friend" },
        { "busy tonight sorry", "one", "answer|Declined|7KQ2MX|busy tonight sorry" },
        { "arrived", "one", "answer|Attended|7KQ2MX|" },
        // One wrong, missing, extra or swapped character, when only one open case is that close.
        { "ACC 7KQ2MY", "two", "answer|Accepted|7KQ2MX|" },
        { "ACC 7KQ2M", "two", "answer|Accepted|7KQ2MX|" },
        { "ACC 7KQ2MXX", "two", "answer|Accepted|7KQ2MX|" },
        { "ACC 7QK2MX", "two", "answer|Accepted|7KQ2MX|" },
        { "DONE 3HJ9PB taken home", "two", "answer|Closed|3HJ9PA|taken home" },
        { "acc 7kq2nx", "one", "answer|Accepted|7KQ2MX|" },
        // Crockford's readings: O for 0, I or L for 1.
        { "DONE ZZOOO1", "two", "answer|Closed|ZZ0001|" },
        { "DONE ZZ000l", "two", "answer|Closed|ZZ0001|" },
        // A finished case is still the agency's: the outcome rules decide.
        { "ACC ZZ0001", "two", "answer|Accepted|ZZ0001|" },
        // Not certain: ask.
        { "accept", "two", "which|Accepted" },
        { "DEC no capacity", "two", "which|Declined" },
        { "ACC 9ABCDE", "two", "unknown|Accepted|9ABCDE" },
        { "ACC 7KQ9PX", "two", "unknown|Accepted|7KQ9PX" },
        { "ACC KQTMXR", "one", "unknown|Accepted|KQTMXR" },
        { "done HJKMNP taken home", "one", "unknown|Closed|HJKMNP" },
        { "accept", "none", "none|Accepted" },
        // Not a reply at all.
        { "HELP", "two", "help" },
        { "?", "one", "help" },
        { "who is this", "two", "no" },
        { "thanks", "one", "no" },
        { "", "one", "no" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Partner_texts_are_read_forgivingly(string text, string agency, string expected)
    {
        var (open, known) = Cases(agency);

        var reading = PartnerTextReader.Read(text, open, known);

        Assert.Equal(expected, Describe(reading));
    }

    [Fact]
    public void The_corpus_has_at_least_forty_texts()
    {
        Assert.True(Corpus.Count >= 40, $"{Corpus.Count} texts");
    }

    [Fact]
    public void A_missing_or_mistyped_reference_is_marked_as_guessed()
    {
        var (open, known) = Cases("two");

        Assert.False(Assert.IsType<PartnerReading.Answer>(PartnerTextReader.Read("ACC 7KQ2MX", open, known)).Guessed);
        Assert.True(Assert.IsType<PartnerReading.Answer>(PartnerTextReader.Read("ACC 7KQ2MY", open, known)).Guessed);
        Assert.True(Assert.IsType<PartnerReading.Answer>(PartnerTextReader.Read("ACC", [open[0]], known)).Guessed);
    }

    [Fact]
    public void A_typo_that_could_be_two_open_cases_is_asked_about()
    {
        IReadOnlyList<ReferenceCode> open = [ReferenceCode.Parse("7KQ2MX"), ReferenceCode.Parse("7KQ2MY")];

        var reading = PartnerTextReader.Read("ACC 7KQ2MZ", open, open);

        Assert.Equal([open[0], open[1]], Assert.IsType<PartnerReading.WhichCase>(reading).Open);
    }

    private static (IReadOnlyList<ReferenceCode> Open, IReadOnlyList<ReferenceCode> Known) Cases(string agency)
    {
        var finished = ReferenceCode.Parse("ZZ0001");
        IReadOnlyList<ReferenceCode> open = agency switch
        {
            "one" => [ReferenceCode.Parse("7KQ2MX")],
            "two" => [ReferenceCode.Parse("7KQ2MX"), ReferenceCode.Parse("3HJ9PA")],
            _ => [],
        };
        return (open, [.. open, finished]);
    }

    private static string Describe(PartnerReading reading) => reading switch
    {
        PartnerReading.Answer a => $"answer|{a.Outcome}|{a.Reference}|{a.Note}",
        PartnerReading.WhichCase w => $"which|{w.Outcome}",
        PartnerReading.UnknownCase u => $"unknown|{u.Outcome}|{u.Reference}",
        PartnerReading.NoOpenCase n => $"none|{n.Outcome}",
        PartnerReading.Help => "help",
        PartnerReading.NotUnderstood => "no",
        _ => reading.GetType().Name,
    };
}
