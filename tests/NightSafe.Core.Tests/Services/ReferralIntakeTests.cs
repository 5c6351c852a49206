using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Intake;
using NightSafe.Core.Intake.Parsing;

namespace NightSafe.Core.Tests.Services;

/// <summary>ReferralIntake: storing and queueing a referral once per inbound message.</summary>
public sealed class ReferralIntakeTests
{
    private const string Referral = "Chelmsford spiked outside Bar 9 on Moulsham St, female 20s blue dress, 07700 900123, consent y";

    [Fact]
    public async Task A_retry_after_a_failure_resumes_the_stored_referral_instead_of_making_another()
    {
        var hub = new Hub();
        var failingOnce = new FailingOnceQueue(hub.RoutingQueue);
        var intake = new ReferralIntake(hub.Store, failingOnce, new Routing.RoutingPolicy(Hub.World), Hub.World, hub.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<ReferralIntake>.Instance);
        var conversation = new OfficerConversation(hub.Gate, hub.Roster, hub.OptOuts, hub.Store, hub.Conversations, new OfficerTextParser(Hub.World), intake, new OfficerReplies(Hub.World), hub.Loop, hub.PartnerTexts, hub.Services.GetRequiredService<NightSafe.Core.Partners.DutyPhoneBook>(), hub.PartnerSms, Hub.World, hub.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<OfficerConversation>.Instance);
        var sms = new InboundSms("SM00000000000000000000000000000077", Hub.OfficerPhone, Referral);

        await Assert.ThrowsAsync<IOException>(() => conversation.ReplyToAsync(sms, null, CancellationToken.None));
        var reply = await conversation.ReplyToAsync(sms, null, CancellationToken.None);

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Single(hub.RoutingQueue.Items);
        Assert.Contains(referral.Reference.ToString(), reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_while_a_dead_attempt_still_holds_the_claim_takes_over_and_acknowledges_the_one_referral()
    {
        // Found by the fault run (nightsafe faults, worker killed mid-burst): the worker died after storing the referral,
        // Twilio's retry came seconds later, found the claim still held (stale only after 30 s), waited 8 s and answered
        // nothing: the officer got no reference and the referral waited minutes for the sweep.
        var hub = new Hub();
        using var death = new CancellationTokenSource();
        var hanging = new HangingOnceQueue(hub.RoutingQueue, death.Token);
        var intake = new ReferralIntake(hub.Store, hanging, new Routing.RoutingPolicy(Hub.World), Hub.World, hub.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<ReferralIntake>.Instance);
        var conversation = new OfficerConversation(hub.Gate, hub.Roster, hub.OptOuts, hub.Store, hub.Conversations, new OfficerTextParser(Hub.World), intake, new OfficerReplies(Hub.World), hub.Loop, hub.PartnerTexts, hub.Services.GetRequiredService<NightSafe.Core.Partners.DutyPhoneBook>(), hub.PartnerSms, Hub.World, hub.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<OfficerConversation>.Instance);
        var sms = new InboundSms("SM00000000000000000000000000000078", Hub.OfficerPhone, Referral);

        // The first attempt stores its referral and never gets further: its process is gone, its claim still held.
        var dead = conversation.ReplyToAsync(sms, null, CancellationToken.None);
        await hanging.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        var reply = await conversation.ReplyToAsync(sms, null, CancellationToken.None);

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.NotNull(reply);
        Assert.Contains($"NightSafe ref {referral.Reference}", reply, StringComparison.Ordinal);

        // The dead attempt recorded its answer alongside the routing item it never queued (the webhook's writes go out
        // together), so the retry hears that answer; the referral it names is still Received, so the retry queues it
        // at once rather than leaving it minutes for the received sweep.
        Assert.Equal(referral.Reference.ToString(), Assert.Single(hub.RoutingQueue.Items).Reference);

        // Had the first attempt been alive after all, it told its officer the answer would follow (once its wait runs out
        // on the clock), and its end changes nothing: no second referral, and no late answer for work that failed.
        hub.Time.Advance(OfficerConversation.ReplyWithin + TimeSpan.FromSeconds(1));
        Assert.Equal(OfficerReplies.AnswerFollows, await dead.WaitAsync(TimeSpan.FromSeconds(10)));
        await death.CancelAsync();
        Assert.Single(hub.Store.Referrals);
        Assert.DoesNotContain(hub.PartnerSms.All, s => s.Kind == Sms.SmsKinds.LateReply);
    }

    [Fact]
    public async Task A_retry_of_a_referral_already_routed_hears_the_answer_and_queues_nothing_more()
    {
        var hub = new Hub();
        const string Sid = "SM00000000000000000000000000000079";
        var first = await hub.TextAsync(Referral, messageSid: Sid);
        await hub.RouteQueuedAsync();
        Assert.Empty(hub.RoutingQueue.Items);

        var again = await hub.TextAsync(Referral, messageSid: Sid);

        Assert.Equal(first, again);
        Assert.Empty(hub.RoutingQueue.Items);
        Assert.Single(hub.Store.Referrals);
    }

    /// <summary>The first enqueue never returns (until <paramref name="death"/>): a worker that died mid-intake.</summary>
    private sealed class HangingOnceQueue(Ports.IRoutingQueue inner, CancellationToken death) : Ports.IRoutingQueue
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public Task Reached => _reached.Task;

        public async Task EnqueueAsync(Ports.RoutingWorkItem item, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                _reached.TrySetResult();
                await Task.Delay(Timeout.Infinite, death);
            }

            await inner.EnqueueAsync(item, cancellationToken);
        }
    }

    private sealed class FailingOnceQueue(Ports.IRoutingQueue inner) : Ports.IRoutingQueue
    {
        private int _calls;

        public Task EnqueueAsync(Ports.RoutingWorkItem item, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1 ? throw new IOException("queue unavailable") : inner.EnqueueAsync(item, cancellationToken);
    }

    [Fact]
    public async Task A_poisoned_queued_referral_is_recorded_as_rejected_and_alerts_every_inspector_once()
    {
        var hub = new Hub();

        await hub.PoisonedInbound.HandleAsync("poison-42", CancellationToken.None);
        await hub.PoisonedInbound.HandleAsync("poison-42", CancellationToken.None);
        await hub.SendQueuedSmsAsync();

        var recorded = await hub.Ledger.FindAsync(PoisonedInbound.Source, "poison-42", CancellationToken.None);
        Assert.Equal(Ports.InboundState.Rejected, recorded!.State);
        Assert.Equal(Hub.World.DutyInspectors.Select(i => i.Phone).Order(), hub.Sms.Provider.Select(p => p.Sms.To).Order());
        Assert.All(hub.Sms.Provider, p => Assert.Contains("poison-42", p.Sms.Body, StringComparison.Ordinal));
        Assert.Empty(hub.Store.Referrals);
    }
}
