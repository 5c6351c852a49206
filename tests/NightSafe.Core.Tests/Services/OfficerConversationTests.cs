using NightSafe.Core.World;
using NightSafe.Core.Intake;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Tests.Services;

/// <summary>OfficerConversation: officers' texts (referrals, HELP, STATUS, CLOSE), strangers and STOP/START, through ReferralIntake.</summary>
public sealed class OfficerConversationTests
{
    private const string Referral = "Chelmsford spiked outside Bar 9 on Moulsham St, female 20s blue dress, 07700 900123, consent y";

    [Fact]
    public async Task An_officers_referral_is_stored_queued_and_answered_with_its_reference()
    {
        var hub = new Hub();

        var reply = await hub.TextAsync(Referral);

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal("chelmsford", referral.TownId.Value);
        Assert.Contains("spiking", referral.Categories.Values());
        Assert.Equal("+447700900123", referral.SubjectPhone);
        Assert.Equal(Consent.Given, referral.Consent);
        Assert.Equal(AdviceState.Pending, referral.Advice);
        Assert.Equal("PC 4107", referral.Officer);
        Assert.Equal("2026-12-18", referral.Night.ToString());
        var queued = Assert.Single(hub.RoutingQueue.Items);
        Assert.Equal(referral.Reference.ToString(), queued.Reference);
        Assert.NotNull(reply);
        Assert.Contains(referral.Reference.ToString(), reply, StringComparison.Ordinal);
        Assert.True(Sms.SmsText.IsGsm7(reply));
        Assert.True(Sms.SmsText.Segments(reply) <= 2, reply);
        Assert.Contains(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Received && e.Actor == "officer:PC 4107");
    }

    [Fact]
    public async Task A_slow_answer_tells_the_officer_it_follows_and_then_texts_it_once_the_work_is_done()
    {
        var hub = new Hub();
        var storage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Ledger.Hold = storage.Task;

        var replying = hub.TextAsync(Referral);
        hub.Time.Advance(OfficerConversation.ReplyWithin);
        var reply = await replying;

        // Told at once, before anything was stored: Twilio would have given up on a slower webhook.
        Assert.Equal(OfficerReplies.AnswerFollows, reply);
        Assert.True(Sms.SmsText.IsGsm7(OfficerReplies.AnswerFollows) && Sms.SmsText.Segments(OfficerReplies.AnswerFollows) <= OfficerReplies.MaxSegments);
        Assert.Empty(hub.Store.Referrals);
        Assert.Empty(hub.PartnerSms.Sent);

        storage.SetResult();
        var late = await Eventually(() => hub.PartnerSms.Sent.FirstOrDefault(s => s.Kind == Sms.SmsKinds.LateReply));

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Single(hub.RoutingQueue.Items);
        Assert.Equal(Hub.OfficerPhone, late.To);
        Assert.Contains(referral.Reference.ToString(), late.Body, StringComparison.Ordinal);
        Assert.StartsWith("(Delayed answer) ", late.Body, StringComparison.Ordinal);
        Assert.Equal(referral.Key, Sms.SmsKeys.ReferralOf(late.Key));
        Assert.True(Sms.SmsText.Segments(late.Body!) <= OfficerReplies.MaxSegments + 1, late.Body);
    }

    [Fact]
    public async Task A_late_answer_whose_work_fails_is_tried_again_and_texted_once_storage_is_back()
    {
        var hub = new Hub();
        var storage = await TextWhileStorageHangsAsync(hub);

        // Storage stays down past the first attempt's minute: that attempt is given up, and the next ones wait for storage.
        hub.Time.Advance(OfficerConversation.FinishWithin);
        await Eventually(() => hub.Ledger.Claims >= 2 ? hub : null, () => hub.Time.Advance(TimeSpan.FromSeconds(1)));
        Assert.Empty(hub.PartnerSms.All);

        storage.SetResult();
        var late = await Eventually(() => hub.PartnerSms.Sent.FirstOrDefault(s => s.Kind == Sms.SmsKinds.LateReply), () => hub.Time.Advance(TimeSpan.FromSeconds(1)));

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Contains(referral.Reference.ToString(), late.Body, StringComparison.Ordinal);
        Assert.Single(hub.PartnerSms.All, s => s.Kind == Sms.SmsKinds.LateReply);
        Assert.True(hub.Time.GetUtcNow() - referral.ReceivedAt < OfficerConversation.AnswerPromisedWithin);
    }

    [Fact]
    public async Task A_late_answer_is_given_up_once_the_officer_was_told_to_send_the_text_again()
    {
        var hub = new Hub();
        var storage = await TextWhileStorageHangsAsync(hub);
        Assert.Contains(OfficerReplies.AnswerPromisedMinutes + " minutes", OfficerReplies.AnswerFollows, StringComparison.Ordinal);

        // Storage stays down past the promise: the attempts go on until then, and then none is left waiting on storage.
        var promise = hub.Time.GetUtcNow() - OfficerConversation.ReplyWithin + OfficerConversation.AnswerPromisedWithin;
        await Eventually(
            () => hub.Time.GetUtcNow() > promise + OfficerConversation.FinishWithin && hub.Ledger.Held == 0 ? hub : null,
            () => hub.Time.Advance(TimeSpan.FromSeconds(5)),
            TimeSpan.FromSeconds(30));
        Assert.InRange(hub.Ledger.Claims, 3, 20);

        // Storage back now: an attempt still going would store the referral and text the answer; none does.
        storage.SetResult();
        for (var i = 0; i < 180; i++)
        {
            hub.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.Yield();
        }

        Assert.Empty(hub.Store.Referrals);
        Assert.Empty(hub.PartnerSms.All);
    }

    [Fact]
    public async Task A_quick_answer_is_the_reply_and_nothing_follows_by_text()
    {
        var hub = new Hub();

        var reply = await hub.TextAsync(Referral);
        hub.Time.Advance(OfficerConversation.FinishWithin);

        Assert.Contains(Assert.Single(hub.Store.Referrals).Reference.ToString(), reply, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.PartnerSms.All, s => s.Kind == Sms.SmsKinds.LateReply);
    }

    // Storage stops answering, and an officer's referral text is answered "the answer follows" once ReplyWithin passes.
    private static async Task<TaskCompletionSource> TextWhileStorageHangsAsync(Hub hub)
    {
        var storage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Ledger.Hold = storage.Task;
        var replying = hub.TextAsync(Referral);
        hub.Time.Advance(OfficerConversation.ReplyWithin);
        Assert.Equal(OfficerReplies.AnswerFollows, await replying);
        return storage;
    }

    private static async Task<T> Eventually<T>(Func<T?> find, Action? meanwhile = null, TimeSpan? within = null)
        where T : class
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        T? found;
        while ((found = find()) is null)
        {
            meanwhile?.Invoke();
            await Task.Delay(10, deadline.Token);
        }

        return found;
    }

    [Fact]
    public async Task The_same_MessageSid_twice_makes_one_referral_and_the_same_reply()
    {
        var hub = new Hub();

        var first = await hub.TextAsync(Referral, messageSid: "SM00000000000000000000000000000042");
        var second = await hub.TextAsync(Referral, messageSid: "SM00000000000000000000000000000042");

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal(first, second);

        // The retry cannot tell a lost routing item from one not yet routed, so it queues the referral again: routing
        // it twice publishes each agency's case once.
        Assert.All(hub.RoutingQueue.Items, item => Assert.Equal(referral.Reference.ToString(), item.Reference));
        await hub.RouteQueuedAsync();
        Assert.NotEmpty(hub.Publisher.Cases);
        Assert.Equal(hub.Publisher.Cases.Count, hub.Publisher.Cases.Select(c => c.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task A_number_not_on_the_roster_gets_a_neutral_reply_and_no_referral()
    {
        var hub = new Hub();

        var reply = await hub.TextAsync(Referral, from: "+447700900555");

        Assert.Empty(hub.Store.Referrals);
        Assert.Empty(hub.RoutingQueue.Items);
        Assert.Equal(OfficerReplies.Neutral, reply);
    }

    [Fact]
    public async Task Stop_and_start_from_anyone_update_the_opt_outs()
    {
        var hub = new Hub();

        var stop = await hub.TextAsync("STOP", from: "07700 900555");
        Assert.Contains("+447700900555", hub.OptOuts.Numbers);
        Assert.Equal(string.Empty, stop);

        var start = await hub.TextAsync("start", from: "+447700900555");
        Assert.DoesNotContain("+447700900555", hub.OptOuts.Numbers);
        Assert.Equal(OfficerReplies.OptedIn, start);
        Assert.Empty(hub.Store.Referrals);
    }

    [Fact]
    public async Task A_text_without_a_town_takes_the_officers_rostered_town_and_says_so()
    {
        var hub = new Hub();

        var reply = await hub.TextAsync("spiked outside the station, consent y");

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal("chelmsford", referral.TownId.Value);
        Assert.Contains("town taken as Chelmsford", reply, StringComparison.Ordinal);
        var received = Assert.Single(hub.Store.Events(referral), e => e.Kind == "received");
        Assert.Contains("town from roster", received.Data["reading"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_text_without_a_town_from_an_officer_with_no_rostered_town_is_asked_which_town_and_stores_nothing()
    {
        var hub = new Hub();
        await hub.Roster.UpsertAsync(new Officer(Hub.OfficerPhone, "PC Patel", "PC 4107", new TownId("county")), CancellationToken.None);

        var reply = await hub.TextAsync("spiked outside the station, consent y");

        Assert.Empty(hub.Store.Referrals);
        Assert.StartsWith("NightSafe: which town? 1 Chelmsford 2 Colchester", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_status_and_close_work_for_an_officer()
    {
        var hub = new Hub();
        Assert.Contains("STATUS", await hub.TextAsync("help"), StringComparison.Ordinal);
        await hub.TextAsync(Referral);
        await hub.RouteQueuedAsync();
        var referral = Assert.Single(hub.Store.Referrals);

        var status = await hub.TextAsync($"status {referral.Reference.ToString().ToLowerInvariant()}");
        Assert.Contains(referral.Reference.ToString(), status, StringComparison.Ordinal);
        Assert.Contains("routed", status, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Consulted);

        var close = await hub.TextAsync($"CLOSE {referral.Reference} taken home by sister");
        Assert.Equal(OfficerReplies.Closed(referral.Reference), close);
        var closed = Assert.Single(hub.Store.Referrals);
        Assert.Equal(ReferralStatus.Closed, closed.Status);
        Assert.Contains(hub.Store.Events(closed), e => e.Kind == ReferralEventKinds.Closed && e.Data[ReferralEventData.Note] == "taken home by sister");
    }

    [Fact]
    public async Task Status_of_an_unknown_reference_says_so()
    {
        var hub = new Hub();

        var reply = await hub.TextAsync("STATUS 7KQ2MX");

        Assert.Equal(OfficerReplies.NotFound(References.ReferenceCode.Parse("7KQ2MX")), reply);
    }
}
