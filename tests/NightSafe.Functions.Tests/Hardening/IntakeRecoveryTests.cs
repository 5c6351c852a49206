using System.Collections.Concurrent;
using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NightSafe.Core.Intake;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Tests.Doubles;
using NightSafe.Integrations.Storage;

namespace NightSafe.Functions.Tests.Hardening;

/// <summary>
/// Issue 10, item 3: the intake (claim, referral, routing item, reply) is recoverable at every step. The worker is
/// failed after each step with the real Azurite adapters underneath; Twilio's retry of the same MessageSid then
/// resumes the one referral, and a referral left stored but unqueued is queued by the sweep timer.
/// </summary>
[Collection(LocalHubGroup.Name)]
public sealed class IntakeRecoveryTests(LocalHub stack)
{
    private const string Officer = "+447700900003"; // on routing.json's roster seed
    private const string Text = "Harlow drunk and alone outside the Water Gardens, 07700 900123, consent y";

    public enum IntakeStep
    {
        Claim,
        Referral,
        RoutingItem,
        Reply,
    }

    [Theory]
    [InlineData(IntakeStep.Claim, false)]
    [InlineData(IntakeStep.Referral, false)]
    [InlineData(IntakeStep.RoutingItem, false)]
    [InlineData(IntakeStep.Reply, false)]
    [InlineData(IntakeStep.Claim, true)]
    [InlineData(IntakeStep.Referral, true)]
    [InlineData(IntakeStep.RoutingItem, true)]
    [InlineData(IntakeStep.Reply, true)]
    public async Task A_retry_after_the_worker_fails_after_any_step_resumes_the_one_referral(IntakeStep failAfter, bool killed)
    {
        await using var hub = await FaultyHub.StartAsync(stack);
        var before = ReferralKeys();
        var sid = "SM" + Guid.NewGuid().ToString("N");
        hub.Faults.FailAfter = failAfter;
        // A crash gives nothing up: the claim stays until it is stale. An exception releases it for the retry at once.
        hub.Faults.Killed = killed;

        await Assert.ThrowsAsync<WorkerFailedException>(() => hub.TextAsync(sid, Text));
        hub.Faults.FailAfter = null;
        if (killed || failAfter == IntakeStep.Claim)
        {
            // Nothing was given up (a failure inside the claim leaves it held too): the retry waits until it is stale.
            stack.Time.Advance(InboundGate.StaleAfter + TimeSpan.FromSeconds(1));
        }

        var (status, reply) = await hub.TextAsync(sid, Text);

        Assert.Equal(HttpStatusCode.OK, status);
        var (night, reference) = Assert.Single(NewSince(before));
        Assert.Contains($"NightSafe ref {reference}", reply, StringComparison.Ordinal);
        Assert.Contains(hub.Faults.Queued, item => item.Reference == reference && item.Night == night);

        // And a third copy (Twilio's next retry) changes nothing and hears the same.
        var (_, again) = await hub.TextAsync(sid, Text);
        Assert.Equal(reply, again);
        Assert.Single(NewSince(before));
    }

    [Fact]
    public async Task A_referral_stored_but_never_queued_is_queued_by_the_sweep_after_a_few_minutes()
    {
        await using var hub = await FaultyHub.StartAsync(stack);
        var before = ReferralKeys();
        var sid = "SM" + Guid.NewGuid().ToString("N");
        hub.Faults.FailAfter = IntakeStep.Referral;
        hub.Faults.Killed = true;
        await Assert.ThrowsAsync<WorkerFailedException>(() => hub.TextAsync(sid, Text));
        hub.Faults.FailAfter = null;
        var (night, reference) = Assert.Single(NewSince(before));
        var lost = stack.Referrals().Single(r => r.PartitionKey == night && r.RowKey == "R|" + reference);
        Assert.Equal(nameof(ReferralStatus.Received), lost.GetString("Status"));
        var sweep = ActivatorUtilities.CreateInstance<ReceivedSweepTimer>(hub.Services);

        // Not yet: it may simply be on its way.
        await sweep.RunAsync(new TimerInfo(), new TestFunctionContext(hub.Services));
        Assert.DoesNotContain(hub.Faults.Queued, item => item.Reference == reference);

        stack.Time.Advance(ReceivedSweep.Grace + TimeSpan.FromSeconds(1));
        await sweep.RunAsync(new TimerInfo(), new TestFunctionContext(hub.Services));

        Assert.Contains(hub.Faults.Queued, item => item.Reference == reference && item.Night == night);
        var queued = await stack.Queue(QueueNames.Routing).PeekMessagesAsync(32);
        Assert.Contains(queued.Value, m => RoutingWorkItem.FromJson(m.Body.ToString()) is { } item && item.Reference == reference);
    }

    [Fact]
    public async Task A_routing_item_lost_while_the_answer_was_written_alongside_it_is_answered_and_queued_on_retry()
    {
        await using var hub = await FaultyHub.StartAsync(stack);
        var before = ReferralKeys();
        var sid = "SM" + Guid.NewGuid().ToString("N");
        // The webhook writes the routing item, the officer's thread and the answer at once: here only the item fails.
        hub.Faults.LoseRoutingItem = true;
        await Assert.ThrowsAsync<WorkerFailedException>(() => hub.TextAsync(sid, Text));
        hub.Faults.LoseRoutingItem = false;
        var (night, reference) = Assert.Single(NewSince(before));
        Assert.DoesNotContain(hub.Faults.Queued, item => item.Reference == reference);

        // Twilio's retry hears the reference (the answer was recorded) and, the referral still Received, queues it at
        // once: no waiting minutes for the received sweep.
        var (status, reply) = await hub.TextAsync(sid, Text);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"NightSafe ref {reference}", reply, StringComparison.Ordinal);
        Assert.Single(NewSince(before));
        Assert.Single(hub.Faults.Queued, item => item.Reference == reference && item.Night == night);
        var queued = await stack.Queue(QueueNames.Routing).PeekMessagesAsync(32);
        Assert.Contains(queued.Value, m => RoutingWorkItem.FromJson(m.Body.ToString()) is { } item && item.Reference == reference);
    }

    [Fact]
    public async Task Ten_simultaneous_copies_of_one_webhook_all_get_the_first_attempts_reply_with_the_reference()
    {
        await using var hub = await FaultyHub.StartAsync(stack);
        var before = ReferralKeys();
        var sid = "SM" + Guid.NewGuid().ToString("N");
        // A slow first attempt (a busy storage account): every other copy finds the message in flight.
        hub.Faults.CreateDelay = TimeSpan.FromSeconds(2);

        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => hub.TextAsync(sid, Text))));

        var (_, reference) = Assert.Single(NewSince(before));
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(replies, r => Assert.Contains($"NightSafe ref {reference}", r.Body, StringComparison.Ordinal));
        Assert.Single(replies.Select(r => r.Body).Distinct());
    }

    private HashSet<(string Night, string Reference)> ReferralKeys() => [.. stack.Referrals().Select(r => (r.PartitionKey, r.RowKey[2..]))];

    private List<(string Night, string Reference)> NewSince(HashSet<(string Night, string Reference)> before) => [.. ReferralKeys().Except(before)];

    /// <summary>What the test makes fail, and what reached the routing queue.</summary>
    public sealed class Faults
    {
        public IntakeStep? FailAfter { get; set; }

        public bool Killed { get; set; }

        /// <summary>The routing queue refuses the item: it never reaches the queue.</summary>
        public bool LoseRoutingItem { get; set; }

        /// <summary>How long storing a referral takes.</summary>
        public TimeSpan CreateDelay { get; set; }

        public ConcurrentQueue<RoutingWorkItem> Queued { get; } = new();

        /// <summary>The step has taken effect; the worker dies now if it is the one.</summary>
        public void After(IntakeStep step)
        {
            if (FailAfter == step)
            {
                throw new WorkerFailedException(step);
            }
        }
    }

    public sealed class WorkerFailedException(IntakeStep step) : Exception($"The worker failed after {step}.");

    /// <summary>The app over the stack's Azurite with each intake step wrapped to fail just after it took effect.</summary>
    private sealed class FaultyHub : IAsyncDisposable
    {
        private readonly LocalHub _stack;
        private readonly IHost _host;

        private FaultyHub(LocalHub stack, IHost host, Faults faults)
        {
            _stack = stack;
            _host = host;
            Faults = faults;
        }

        public Faults Faults { get; }

        public IServiceProvider Services => _host.Services;

        public static async Task<FaultyHub> StartAsync(LocalHub stack)
        {
            var faults = new Faults();
            var host = stack.Build(stack.Settings(), first: services =>
            {
                services.AddSingleton(faults);
                services.AddSingleton<TableInboundLedger>();
                services.AddSingleton<IInboundLedger>(sp => new FailingLedger(sp.GetRequiredService<TableInboundLedger>(), faults));
                services.AddSingleton<TableReferralStore>();
                services.AddSingleton<IReferralStore>(sp => new FailingStore(sp.GetRequiredService<TableReferralStore>(), faults));
                services.AddSingleton<StorageRoutingQueue>();
                services.AddSingleton<IRoutingQueue>(sp => new FailingRoutingQueue(sp.GetRequiredService<StorageRoutingQueue>(), faults));
            });
            await host.StartAsync();
            return new FaultyHub(stack, host, faults);
        }

        public Task<(HttpStatusCode Status, string Body)> TextAsync(string sid, string text)
        {
            var request = WebhookRequests.InboundSms(_stack, Officer, text, sid);
            return ActivatorUtilities.CreateInstance<SmsInbound>(_host.Services).RunAsync(request, new TestFunctionContext(_host.Services)).ReadAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
            await TakeOwnRoutingItemsAsync();
        }

        // Nothing routes in these tests: take this test's items off the shared routing queue, and leave the others there.
        private async Task TakeOwnRoutingItemsAsync()
        {
            var ours = Faults.Queued.Select(i => i.Reference).ToHashSet(StringComparer.Ordinal);
            var queue = _stack.Queue(QueueNames.Routing);
            var others = new List<(string Id, string PopReceipt)>();
            while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value is { Length: > 0 } batch)
            {
                foreach (var message in batch)
                {
                    if (RoutingWorkItem.FromJson(message.MessageText) is { } item && ours.Contains(item.Reference))
                    {
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    }
                    else
                    {
                        others.Add((message.MessageId, message.PopReceipt));
                    }
                }
            }

            foreach (var (id, popReceipt) in others)
            {
                await queue.UpdateMessageAsync(id, popReceipt, visibilityTimeout: TimeSpan.Zero);
            }
        }
    }

    private sealed class FailingLedger(IInboundLedger inner, Faults faults) : IInboundLedger
    {
        public async Task<InboundClaim> ClaimAsync(string source, string key, TimeSpan staleAfter, InboundReservation? reservation, CancellationToken cancellationToken)
        {
            var claim = await inner.ClaimAsync(source, key, staleAfter, reservation, cancellationToken);
            faults.After(IntakeStep.Claim);
            return claim;
        }

        public Task<InboundClaim> ReserveAsync(InboundClaim claim, InboundReservation reservation, CancellationToken cancellationToken) =>
            inner.ReserveAsync(claim, reservation, cancellationToken);

        public Task<InboundClaim> RecordStoredAsync(InboundClaim claim, NightId night, ReferenceCode reference, CancellationToken cancellationToken) =>
            inner.RecordStoredAsync(claim, night, reference, cancellationToken);

        public async Task CompleteAsync(InboundClaim claim, string reply, CancellationToken cancellationToken)
        {
            // The reply is the last step: failing it means the answer was never recorded (nor sent).
            faults.After(IntakeStep.Reply);
            await inner.CompleteAsync(claim, reply, cancellationToken);
        }

        public async Task CompleteAsync(InboundClaim claim, string reply, string officerPhoneE164, OfficerThread thread, CancellationToken cancellationToken)
        {
            faults.After(IntakeStep.Reply);
            await inner.CompleteAsync(claim, reply, officerPhoneE164, thread, cancellationToken);
        }

        public Task RejectAsync(InboundClaim claim, string reason, CancellationToken cancellationToken) => inner.RejectAsync(claim, reason, cancellationToken);

        public Task ReleaseAsync(InboundClaim claim, CancellationToken cancellationToken) =>
            faults.Killed ? throw new WorkerFailedException(faults.FailAfter ?? IntakeStep.Claim) : inner.ReleaseAsync(claim, cancellationToken);

        public Task<InboundClaim?> FindAsync(string source, string key, CancellationToken cancellationToken) => inner.FindAsync(source, key, cancellationToken);

        public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => inner.PurgeAsync(before, cancellationToken);
    }

    private sealed class FailingRoutingQueue(IRoutingQueue inner, Faults faults) : IRoutingQueue
    {
        public async Task EnqueueAsync(RoutingWorkItem item, CancellationToken cancellationToken)
        {
            if (faults.LoseRoutingItem)
            {
                throw new WorkerFailedException(IntakeStep.RoutingItem);
            }

            await inner.EnqueueAsync(item, cancellationToken);
            faults.Queued.Enqueue(item);
            faults.After(IntakeStep.RoutingItem);
        }
    }

    private sealed class FailingStore(IReferralStore inner, Faults faults) : ForwardingReferralStore(inner)
    {
        public override async Task<bool> TryCreateAsync(Referral referral, IReadOnlyList<ReferralEvent> events, CancellationToken cancellationToken)
        {
            await Task.Delay(faults.CreateDelay, cancellationToken);
            var created = await base.TryCreateAsync(referral, events, cancellationToken);
            faults.After(IntakeStep.Referral);
            return created;
        }
    }
}
