using NightSafe.Core.World;
using CsCheck;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Phones;
using NightSafe.Core.Sms;

namespace NightSafe.Core.Tests.Domain.Parsing;

/// <summary>The parser never throws on any text up to 1,600 characters, and what it returns always keeps its promises.</summary>
public sealed class ParserPropertyTests
{
    private const int Iterations = 1_000;

    private static readonly OfficerTextParser Parser = new(TestWorld.Real);

    private static readonly string[] Vocabulary =
    [
        "consent", "no", "not", "c/y", "c", "/", "y", "n", "outside", "at", "near", "on", "by", "o/s", "next", "to", "St", "Road",
        "status", "STATUS", "close", "CLOSE", "help", "?", "7KQ2MX", "7KQ-2MX", "chelmsford", "chelmsfrd", "southend on sea",
        "Southend-on-Sea", "grey", "drunk", "very", "spiked", "drink", "was", "her", "on her own", "no money", "taxi", "rank",
        "High", "07700 900123", "+44", "(0)", "0044", "07700", "900", "123", "'", "\u2019", "doesn't", "declined", "the", "and",
        "&", "+", "-", ",", ".", ";", ":", "\n", "  ", "\u00a0", "friend's", "\U0001F37A", "\u00e9", "\u0301", "\ud800", "\udc00",
    ];

    private static readonly Gen<string> AnyText = Gen.String[Gen.Char, 0, OfficerTextParser.MaxLength];

    private static readonly Gen<string> DigitRuns = Gen.String[Gen.Char["0123456789 +-().\u00a0/"], 0, OfficerTextParser.MaxLength];

    private static readonly Gen<string> LongDigits = Gen.Int[0, OfficerTextParser.MaxLength - 17].Select(n => "Chelmsford drunk " + new string('7', n));

    private static readonly Gen<string> RepeatedWords = Gen.OneOf(Vocabulary).Array[0, 400]
        .Select(words => Cut(string.Join(' ', words)));

    private static readonly Gen<string> GluedWords = Gen.OneOf(Vocabulary).Array[0, 600]
        .Select(words => Cut(string.Concat(words)));

    private static readonly Gen<string> UnicodeAndEmoji = Gen.OneOf(
            Gen.String[Gen.Char['\u0300', '\u036f'], 1, 4],
            Gen.String[Gen.Char['\ud800', '\udfff'], 1, 3],
            Gen.OneOf("\U0001F600", "\U0001F37A", "\U0001F46E\u200D\u2640\uFE0F", "\u202E", "\uFEFF", "\u200B", "\u0000", "\t", "\r\n"),
            Gen.String[Gen.Char['\u0400', '\u04ff'], 1, 8],
            Gen.OneOf(Vocabulary))
        .Array[0, 500]
        .Select(parts => Cut(string.Join(string.Empty, parts)));

    private static readonly Gen<string> Commands = Gen.Select(
        Gen.OneOf("STATUS", "status", "CLOSE", "close", "closed", "staus", "help", "?"),
        Gen.OneOf(Gen.String[Gen.Char["0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz -"], 0, 12], Gen.OneOf(Vocabulary)),
        Gen.String[Gen.Char, 0, 200],
        (command, reference, rest) => Cut($"{command} {reference} {rest}"));

    public static TheoryData<string> GeneratorNames => new(Generators.Keys);

    private static readonly Dictionary<string, Gen<string>> Generators = new()
    {
        ["any unicode text"] = AnyText,
        ["digit runs with joiners"] = DigitRuns,
        ["one long digit run"] = LongDigits,
        ["repeated keywords"] = RepeatedWords,
        ["keywords glued together"] = GluedWords,
        ["unicode, combining marks, lone surrogates and emoji"] = UnicodeAndEmoji,
        ["commands with odd references"] = Commands,
    };

    [Theory]
    [MemberData(nameof(GeneratorNames))]
    public void The_parser_never_throws_and_keeps_its_promises(string generator)
    {
        Generators[generator].Sample(text =>
        {
            Assert.True(text.Length <= OfficerTextParser.MaxLength);
            var message = Parser.Parse(text);
            Assert.NotNull(message);
            CheckPromises(message, text);
        }, iter: Iterations);
    }

    [Fact]
    public void Longer_texts_than_1600_characters_are_read_without_throwing()
    {
        Gen.String[Gen.Char, OfficerTextParser.MaxLength, 4 * OfficerTextParser.MaxLength].Sample(
            text => CheckPromises(Parser.Parse(text), text),
            iter: 100);
    }

    /// <summary>
    /// Reading is linear-ish in the text: any 1,600-character string (worst cases included: long runs of vocabulary words,
    /// glued words, digits) allocates within a bound far above the usual (tens of kilobytes) and far below what a
    /// quadratic blow-up would take. Allocation is deterministic where wall-clock time on a shared machine is not, so
    /// time is measured by the benchmarks (tests/NightSafe.Benchmarks), not here.
    /// </summary>
    [Theory]
    [MemberData(nameof(GeneratorNames))]
    public void Any_text_up_to_1600_characters_is_read_within_bounded_allocation(string generator)
    {
        const long MostBytes = 4 * 1024 * 1024;
        Generators[generator].Sample(text =>
        {
            // The first read of a text may compile code paths (JIT); the second shows what reading costs.
            Parser.Parse(text, new TownId("chelmsford"));
            var before = GC.GetAllocatedBytesForCurrentThread();
            Parser.Parse(text, new TownId("chelmsford"));
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.True(allocated <= MostBytes, $"{allocated:N0} bytes allocated reading {text.Length} characters");
        }, iter: 200);
    }

    [Fact]
    public void The_same_text_always_reads_the_same()
    {
        RepeatedWords.Sample(text => Assert.Equal(Describe(Parser.Parse(text)), Describe(Parser.Parse(text))), iter: 300);
    }

    [Fact]
    public void Opt_out_keywords_never_throw()
    {
        AnyText.Sample(text => Assert.True(Enum.IsDefined(OptOutKeywords.Classify(text))), iter: Iterations);
    }

    private static void CheckPromises(OfficerMessage message, string text)
    {
        switch (message)
        {
            case NotUnderstood notUnderstood:
                Assert.NotEmpty(notUnderstood.Missing);
                Assert.True(SmsText.IsGsm7(notUnderstood.Reply));
                Assert.InRange(SmsText.Segments(notUnderstood.Reply), 1, 2);
                break;
            case ReferralRequest { Draft: var draft }:
                Assert.NotNull(TestWorld.Real.FindTown(draft.TownId));
                Assert.NotEmpty(draft.CategoryIds);
                Assert.All(draft.CategoryIds, c => Assert.NotNull(TestWorld.Real.FindCategory(c)));
                Assert.Equal(draft.CategoryIds.Count, draft.CategoryIds.Distinct().Count());
                Assert.True(draft.SubjectPhone is null || UkPhoneNumber.IsE164(draft.SubjectPhone));
                var kept = LongDigitRuns(draft.Description ?? string.Empty).Concat(LongDigitRuns(draft.Location ?? string.Empty)).ToList();
                foreach (var run in LongDigitRuns(text[..Math.Min(text.Length, OfficerTextParser.MaxLength)]))
                {
                    Assert.DoesNotContain(kept, k => k.Contains(run, StringComparison.Ordinal));
                }

                Assert.True(draft.Description is null || draft.Description.Length > 0);
                break;
            case CloseRequest close:
                Assert.NotEmpty(close.Outcome);
                break;
        }
    }

    // The digits of every stretch of 9 or more digits joined by spaces, hyphens, dots, brackets, slashes or plus signs.
    private static IEnumerable<string> LongDigitRuns(string text)
    {
        var digits = new System.Text.StringBuilder();
        foreach (var c in text + "x")
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')' or '+' or '/' or '\u00a0'))
            {
                if (digits.Length >= 9)
                {
                    yield return digits.ToString();
                }

                digits.Clear();
            }
        }
    }

    private static string Describe(OfficerMessage message) => message switch
    {
        ReferralRequest r => $"{r.Draft with { CategoryIds = [] }} {string.Join(',', r.Draft.CategoryIds)}",
        NotUnderstood n => $"{string.Join(',', n.Missing)} {n.Reply}",
        _ => message.ToString()!,
    };

    private static string Cut(string text) => text.Length <= OfficerTextParser.MaxLength ? text : text[..OfficerTextParser.MaxLength];
}
