using NightSafe.Core.Ports;
using NightSafe.Core.Retention;
using NightSafe.Core.Tests.Services;

namespace NightSafe.Core.Tests.Rights;

/// <summary>
/// The hub's TwiML replies to an erased referral's texts (issue 10, item 14): the provider made them messages of their
/// own and never told us their ids, so the erasure finds them from each inbound text before it deletes the text.
/// </summary>
public sealed class TwimlReplyErasureTests
{
    private const string Actor = "control-room:duty.manager@essex.example";
    private static readonly DateTimeOffset Received = new(2026, 12, 18, 22, 31, 5, TimeSpan.Zero);

    [Theory]
    [InlineData("NightSafe ref 7KQ2MX: spiking in Chelmsford logged. Routed to 2 partners.", true)]
    [InlineData("NightSafe 7KQ2MX (Chelmsford 22:31, spiking): routed to partners.", true)]
    [InlineData("ACC 7kq2mx noted: your team has the case.", true)]
    [InlineData("Closed 7KQ2MX.", true)]
    [InlineData("7KQ2MX", true)]
    [InlineData("Which town? Reply 1 Chelmsford, 2 Harlow", false)]
    [InlineData("NightSafe ref 7KQ2MY: drunk in Harlow logged.", false)]
    [InlineData("NightSafe ref X7KQ2MX: not this one", false)]
    [InlineData("NightSafe ref 7KQ2MX9: not this one", false)]
    [InlineData("", false)]
    public void A_reply_is_the_referrals_when_its_body_names_the_reference_as_a_code_of_its_own(string body, bool names)
    {
        Assert.Equal(names, TwimlReplyMatch.NamesReference(body, "7KQ2MX"));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, true)]
    [InlineData(3, true)]
    [InlineData(599, true)]
    [InlineData(601, false)]
    [InlineData(-5, false)]
    public void A_reply_is_looked_for_from_the_texts_arrival_to_ten_minutes_after(int secondsAfter, bool isReply)
    {
        var reply = new SmsRecord("SMr1", "NightSafe ref 7KQ2MX: logged.", Received.AddSeconds(secondsAfter));

        Assert.Equal(isReply, TwimlReplyMatch.IsReplyOf(reply, Received, "7KQ2MX"));
        Assert.False(TwimlReplyMatch.IsReplyOf(reply with { Body = "Which town?" }, Received, "7KQ2MX"));
    }

    [Fact]
    public async Task The_replies_naming_the_referral_are_deleted_with_its_texts_and_other_replies_to_the_same_phone_stay()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        var inbound = hub.Store.Referrals.Single().Inbound!["twilio/".Length..];
        var code = referral.Reference.ToString();
        hub.SmsRecords.HoldReply(inbound, Received, new SmsRecord("SMreply0001", $"NightSafe ref {code}: logged.", Received.AddSeconds(1)));
        hub.SmsRecords.HoldReply(inbound, Received, new SmsRecord("SMreply0002", "NightSafe ref ZZZZZZ: drunk in Harlow logged.", Received.AddSeconds(40)));
        hub.SmsRecords.HoldReply(inbound, Received, new SmsRecord("SMreply0003", "Which town? Reply 1 Chelmsford", Received.AddSeconds(2)));

        var result = await hub.Erasure.EraseAsync(referral.Night, referral.Reference, Actor, CancellationToken.None);

        Assert.Equal(ErasureOutcome.Erased, result.Outcome);
        Assert.Contains("SMreply0001", hub.SmsRecords.Deleted);
        Assert.DoesNotContain("SMreply0002", hub.SmsRecords.Deleted);
        Assert.DoesNotContain("SMreply0003", hub.SmsRecords.Deleted);
        Assert.True(hub.SmsRecords.Holds("SMreply0002"));
        // Found from the text before the text itself went.
        Assert.True(hub.SmsRecords.Calls.IndexOf("replies " + inbound) is >= 0 and var searched && searched < hub.SmsRecords.Calls.IndexOf("delete " + inbound));
        Assert.False(hub.SmsRecords.Holds(inbound));
        Assert.Empty(hub.SmsRecords.Pending);
    }

    [Fact]
    public async Task Only_inbound_texts_are_searched_for_replies()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        var stored = hub.Store.Referrals.Single();

        await hub.Erasure.EraseAsync(referral.Night, referral.Reference, Actor, CancellationToken.None);

        Assert.Equal([stored.Inbound!["twilio/".Length..]], hub.SmsRecords.RepliesSearched);
        Assert.DoesNotContain(stored.AdviceMessageId!, hub.SmsRecords.RepliesSearched);
    }

    [Fact]
    public async Task A_provider_outage_during_the_search_keeps_the_text_and_its_search_queued_and_the_next_run_finds_the_replies()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        var inbound = hub.Store.Referrals.Single().Inbound!["twilio/".Length..];
        hub.SmsRecords.HoldReply(inbound, Received, new SmsRecord("SMreply0001", $"NightSafe ref {referral.Reference}: logged.", Received.AddSeconds(1)));
        hub.SmsRecords.RepliesFailing = "unreachable";

        var result = await hub.Erasure.EraseAsync(referral.Night, referral.Reference, Actor, CancellationToken.None);

        Assert.Equal(ErasureOutcome.Erased, result.Outcome);
        Assert.Null(hub.Store.Referrals.Single().SubjectPhone);
        Assert.True(hub.SmsRecords.Holds(inbound));
        var kept = Assert.Single(hub.SmsRecords.Pending, p => p.MessageSid == inbound);
        Assert.Equal((true, 1, "unreachable"), (kept.FindReplies, kept.Attempts, kept.LastError));

        hub.SmsRecords.RepliesFailing = null;
        await hub.Retention.RunAsync(CancellationToken.None);

        Assert.Contains("SMreply0001", hub.SmsRecords.Deleted);
        Assert.False(hub.SmsRecords.Holds(inbound));
        Assert.Empty(hub.SmsRecords.Pending);
    }

    [Fact]
    public async Task A_reply_that_cannot_be_deleted_yet_stays_listed_while_its_text_goes()
    {
        var hub = new Hub();
        var referral = await hub.ReferAndRouteAsync();
        var inbound = hub.Store.Referrals.Single().Inbound!["twilio/".Length..];
        hub.SmsRecords.HoldReply(inbound, Received, new SmsRecord("SMreply0001", $"NightSafe ref {referral.Reference}: logged.", Received.AddSeconds(1)));
        hub.SmsRecords.FailingFor.Add("SMreply0001");

        await hub.Erasure.EraseAsync(referral.Night, referral.Reference, Actor, CancellationToken.None);

        Assert.False(hub.SmsRecords.Holds(inbound));
        var kept = Assert.Single(hub.SmsRecords.Pending);
        Assert.Equal(("SMreply0001", referral.Key, false), (kept.MessageSid, kept.Referral, kept.FindReplies));

        hub.SmsRecords.FailingFor.Clear();
        await hub.Retention.RunAsync(CancellationToken.None);

        Assert.False(hub.SmsRecords.Holds("SMreply0001"));
        Assert.Empty(hub.SmsRecords.Pending);
    }
}
