using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;

namespace NightSafe.Integrations.Tests.Storage;

[Collection(AzuriteGroup.Name)]
public sealed class TableInboundLedgerTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly TimeSpan Stale = TimeSpan.FromMinutes(2);
    private static readonly NightId Night = NightId.Parse("2026-12-18");

    private readonly StorageTestBed _bed = new(azurite);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    private IInboundLedger Ledger => _bed.Get<IInboundLedger>();

    [Fact]
    public async Task An_answer_and_the_officers_thread_are_written_together_or_not_at_all()
    {
        var conversations = _bed.Get<IConversationStore>();
        var officer = $"+4477009{Random.Shared.Next(0, 100000):D5}";
        var thread = new NightSafe.Core.Intake.OfficerThread { LastNight = "2026-12-18", LastReference = "7KQ2MX", ExpiresAt = _bed.Clock.GetUtcNow() + TimeSpan.FromMinutes(15) };
        var claim = await Ledger.ClaimAsync("twilio", NewKey(), Stale, Ct);
        var requests = _bed.Get<NightSafe.Integrations.Storage.StorageRequestCounter>();
        var before = requests.Snapshot();

        await Ledger.CompleteAsync(claim, "Referral 7KQ2MX received", officer, thread, Ct);

        Assert.Equal(1, NightSafe.Integrations.Storage.StorageRequestCounter.Work(NightSafe.Integrations.Storage.StorageRequestCounter.Since(before, requests.Snapshot())));
        Assert.Equal("Referral 7KQ2MX received", (await Ledger.FindAsync("twilio", claim.Key, Ct))?.Reply);
        Assert.Equal(thread, await conversations.FindAsync(officer, Ct));

        // The claims' retention purge leaves threads alone (they have their own, by expiry).
        await Ledger.PurgeAsync(_bed.Clock.GetUtcNow() + TimeSpan.FromDays(1), Ct);
        Assert.Equal(thread, await conversations.FindAsync(officer, Ct));

        // A claim taken over meanwhile: the stale owner writes neither its answer nor its thread.
        var other = await Ledger.ClaimAsync("twilio", NewKey(), Stale, Ct);
        _bed.Clock.Advance(Stale + TimeSpan.FromSeconds(1));
        var taken = await Ledger.ClaimAsync("twilio", other.Key, Stale, Ct);
        Assert.True(taken.TakenOver);
        var later = thread with { LastReference = "9ZZ9ZZ" };
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Ledger.CompleteAsync(other, "stale answer", officer, later, Ct));
        Assert.Null(await Ledger.FindAsync("twilio", other.Key, Ct));
        Assert.Equal(thread, await conversations.FindAsync(officer, Ct));
    }

    [Fact]
    public async Task Parallel_claims_of_one_message_have_exactly_one_owner()
    {
        var key = NewKey();

        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => Ledger.ClaimAsync("twilio", key, Stale, Ct))));

        Assert.Single(claims, c => c.State == InboundState.Claimed);
        Assert.Equal(11, claims.Count(c => c.State == InboundState.Busy));
    }

    [Fact]
    public async Task Parallel_take_overs_of_a_stale_claim_have_exactly_one_owner()
    {
        var key = NewKey();
        var abandoned = await Ledger.ClaimAsync("twilio", key, Stale, Ct);
        await Ledger.RecordStoredAsync(abandoned, Night, ReferenceCode.Parse("7KQ2MX"), Ct);
        _bed.Clock.Advance(Stale + TimeSpan.FromSeconds(1));

        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => Ledger.ClaimAsync("twilio", key, Stale, Ct))));

        var owner = Assert.Single(claims, c => c.State != InboundState.Busy);
        Assert.Equal(InboundState.Stored, owner.State);
        Assert.Equal(ReferenceCode.Parse("7KQ2MX"), owner.Reference);
        Assert.Equal(Night, owner.Night);
    }

    [Fact]
    public async Task A_fresh_claim_is_busy_for_others_and_a_stored_one_resumes_after_it_goes_stale()
    {
        var key = NewKey();
        var first = await Ledger.ClaimAsync("twilio", key, Stale, Ct);
        Assert.Equal(InboundState.Claimed, first.State);
        var stored = await Ledger.RecordStoredAsync(first, Night, ReferenceCode.Parse("ABC123"), Ct);
        Assert.Equal(InboundState.Stored, stored.State);

        _bed.Clock.Advance(Stale - TimeSpan.FromSeconds(1));
        Assert.Equal(InboundState.Busy, (await Ledger.ClaimAsync("twilio", key, Stale, Ct)).State);
        Assert.Null(await Ledger.FindAsync("twilio", key, Ct));

        _bed.Clock.Advance(TimeSpan.FromSeconds(2));
        var resumed = await Ledger.ClaimAsync("twilio", key, Stale, Ct);
        Assert.Equal(InboundState.Stored, resumed.State);
        Assert.Equal(ReferenceCode.Parse("ABC123"), resumed.Reference);

        // The first owner lost the message when it was taken over.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Ledger.CompleteAsync(stored, "late", Ct));
        await Ledger.CompleteAsync(resumed, "Ref ABC123 received.", Ct);
        var done = await Ledger.ClaimAsync("twilio", key, Stale, Ct);
        Assert.Equal(InboundState.Done, done.State);
        Assert.Equal("Ref ABC123 received.", done.Reply);
    }

    [Fact]
    public async Task A_finished_message_answers_with_its_reply_from_claim_and_find()
    {
        var key = NewKey();
        var claim = await Ledger.ClaimAsync("api", key, Stale, Ct);
        claim = await Ledger.RecordStoredAsync(claim, Night, ReferenceCode.Parse("ZZ99AA"), Ct);
        await Ledger.CompleteAsync(claim, "<Response><Message>Ref ZZ99AA</Message></Response>", Ct);

        var again = await Ledger.ClaimAsync("api", key, TimeSpan.Zero, Ct);
        var found = await Ledger.FindAsync("api", key, Ct);

        Assert.Equal(InboundState.Done, again.State);
        Assert.Equal("<Response><Message>Ref ZZ99AA</Message></Response>", again.Reply);
        Assert.Equal(ReferenceCode.Parse("ZZ99AA"), again.Reference);
        Assert.Equal(InboundState.Done, found!.State);
        Assert.Equal(again.Reply, found.Reply);
        Assert.Null(await Ledger.FindAsync("twilio", key, Ct));
    }

    [Fact]
    public async Task A_released_claim_can_be_taken_at_once_and_keeps_what_was_stored()
    {
        var key = NewKey();
        var first = await Ledger.ClaimAsync("queue", key, Stale, Ct);
        first = await Ledger.RecordStoredAsync(first, Night, ReferenceCode.Parse("QQQ111"), Ct);

        await Ledger.ReleaseAsync(first, Ct);
        var second = await Ledger.ClaimAsync("queue", key, Stale, Ct);

        Assert.Equal(InboundState.Stored, second.State);
        Assert.Equal(ReferenceCode.Parse("QQQ111"), second.Reference);
        Assert.Equal(InboundState.Busy, (await Ledger.ClaimAsync("queue", key, Stale, Ct)).State);

        // Releasing a claim someone else owns now changes nothing.
        await Ledger.ReleaseAsync(first, Ct);
        Assert.Equal(InboundState.Busy, (await Ledger.ClaimAsync("queue", key, Stale, Ct)).State);
    }

    [Fact]
    public async Task A_released_fresh_claim_is_claimed_anew()
    {
        var key = NewKey();
        var first = await Ledger.ClaimAsync("twilio", key, Stale, Ct);

        await Ledger.ReleaseAsync(first, Ct);
        var second = await Ledger.ClaimAsync("twilio", key, Stale, Ct);

        Assert.Equal(InboundState.Claimed, second.State);
        Assert.NotEqual(first.Version, second.Version);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Ledger.RecordStoredAsync(first, Night, ReferenceCode.Parse("AAAAAA"), Ct));
    }

    [Fact]
    public async Task A_rejected_message_stays_rejected()
    {
        var key = NewKey();
        var claim = await Ledger.ClaimAsync("queue", key, Stale, Ct);
        await Ledger.RejectAsync(claim, "town: unknown", Ct);

        Assert.Equal(InboundState.Rejected, (await Ledger.ClaimAsync("queue", key, TimeSpan.Zero, Ct)).State);
        Assert.Equal(InboundState.Rejected, (await Ledger.FindAsync("queue", key, Ct))!.State);
    }

    [Theory]
    [InlineData("SM/../with/slashes#and?marks")]
    [InlineData("tab\there")]
    [InlineData("sha256-0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Keys_that_cannot_be_row_keys_still_dedupe(string key)
    {
        var source = "src" + NewKey();
        var claim = await Ledger.ClaimAsync(source, key, Stale, Ct);
        await Ledger.CompleteAsync(claim, "ok", Ct);

        Assert.Equal(InboundState.Done, (await Ledger.ClaimAsync(source, key, Stale, Ct)).State);
        Assert.Equal(InboundState.Claimed, (await Ledger.ClaimAsync(source, key + "x", Stale, Ct)).State);
    }

    [Fact]
    public async Task Long_keys_that_differ_only_at_the_end_are_different_messages()
    {
        var source = "src" + NewKey();
        var stem = new string('k', 2000);
        var claim = await Ledger.ClaimAsync(source, stem + "1", Stale, Ct);
        await Ledger.CompleteAsync(claim, "one", Ct);

        Assert.Equal(InboundState.Claimed, (await Ledger.ClaimAsync(source, stem + "2", Stale, Ct)).State);
        Assert.Equal("one", (await Ledger.FindAsync(source, stem + "1", Ct))!.Reply);
    }

    [Theory]
    [InlineData("twilio' or PartitionKey ne '", "x")]
    [InlineData("twilio", "x' or RowKey gt '")]
    [InlineData("2026-12-18' or RowKey gt '", "' or '1' eq '1")]
    public async Task Hostile_sources_and_keys_find_nothing_of_anyone_else(string source, string key)
    {
        var claim = await Ledger.ClaimAsync("twilio", NewKey(), Stale, Ct);
        await Ledger.CompleteAsync(claim, "someone else's reply", Ct);

        Assert.Null(await Ledger.FindAsync(source, key, Ct));
        Assert.Equal(InboundState.Claimed, (await Ledger.ClaimAsync(source, key + NewKey(), Stale, Ct)).State);
    }

    [Fact]
    public async Task Purge_deletes_entries_created_before_the_cut_off_only()
    {
        var old = NewKey();
        var young = NewKey();
        var source = "purge" + NewKey();
        await Ledger.CompleteAsync(await Ledger.ClaimAsync(source, old, Stale, Ct), "old", Ct);
        _bed.Clock.Advance(TimeSpan.FromDays(40));
        var cutOff = _bed.Clock.GetUtcNow();
        _bed.Clock.Advance(TimeSpan.FromMinutes(1));
        await Ledger.CompleteAsync(await Ledger.ClaimAsync(source, young, Stale, Ct), "young", Ct);

        var purged = await Ledger.PurgeAsync(cutOff, Ct);

        Assert.True(purged >= 1);
        Assert.Null(await Ledger.FindAsync(source, old, Ct));
        Assert.Equal("young", (await Ledger.FindAsync(source, young, Ct))!.Reply);
    }

    private static string NewKey() => "SM" + Guid.NewGuid().ToString("N");

    public void Dispose()
    {
        _timeout.Dispose();
        _bed.Dispose();
    }
}
