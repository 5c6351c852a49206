using NightSafe.Core.World;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Sms;

namespace NightSafe.Core.Tests.Domain.Parsing;

public sealed class OfficerTextCorpusTests
{
    private static readonly OfficerTextParser Parser = new(TestWorld.Real);

    public static TheoryData<string> Texts => new(OfficerTextCorpus.Cases.Keys);

    [Fact]
    public void The_corpus_has_at_least_60_texts_of_every_kind()
    {
        Assert.True(OfficerTextCorpus.Cases.Count >= 60, $"{OfficerTextCorpus.Cases.Count} texts");
        Assert.Equal(
            ["close", "help", "notUnderstood", "referral", "status"],
            OfficerTextCorpus.Cases.Values.Select(c => c.Kind).Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Officer_text_reads_as_expected(string text)
    {
        var expected = OfficerTextCorpus.Cases[text];
        var message = Parser.Parse(text);

        switch (expected.Kind)
        {
            case "referral":
                var draft = Assert.IsType<ReferralRequest>(message).Draft;
                Assert.Equal(expected.Town, draft.TownId.Value);
                Assert.Equal(expected.Categories!, draft.CategoryIds.Values());
                Assert.Equal(expected.SubjectPhone, draft.SubjectPhone);
                Assert.Equal(Enum.Parse<Consent>(expected.Consent!), draft.Consent);
                Assert.Equal(expected.Location, draft.Location);
                Assert.Equal(expected.Description, draft.Description);
                Assert.Equal(expected.UnreadablePhone, draft.UnreadablePhone);
                break;
            case "status":
                Assert.Equal(expected.Reference, Assert.IsType<StatusRequest>(message).Reference.ToString());
                break;
            case "close":
                var close = Assert.IsType<CloseRequest>(message);
                Assert.Equal(expected.Reference, close.Reference.ToString());
                Assert.Equal(expected.Outcome, close.Outcome);
                break;
            case "help":
                Assert.IsType<HelpRequest>(message);
                break;
            case "notUnderstood":
                var notUnderstood = Assert.IsType<NotUnderstood>(message);
                Assert.Equal(expected.Missing!, notUnderstood.Missing);
                Assert.True(SmsText.IsGsm7(notUnderstood.Reply));
                Assert.InRange(SmsText.Segments(notUnderstood.Reply), 1, 2);
                break;
            default:
                Assert.Fail($"unknown kind '{expected.Kind}' in officer-texts.json");
                break;
        }
    }
}
