using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Tests.Services;

/// <summary>The one optimistic-concurrency loop: read, decide, save; read again on a conflict, a bounded number of times.</summary>
public sealed class ReferralUpdatesTests
{
    private static async Task<(InMemoryReferralStore Store, Referral Referral)> StoredAsync()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford spiked outside Bar 9, female 20s, 07700 900123, consent y");
        return (hub.Store, Assert.Single(hub.Store.Referrals));
    }

    [Fact]
    public async Task A_conflict_is_decided_again_on_a_fresh_read()
    {
        var (store, referral) = await StoredAsync();
        var decisions = 0;

        var result = await store.UpdateAsync(
            referral.Night,
            referral.Reference,
            stored =>
            {
                if (++decisions == 1)
                {
                    store.BeforeNextSave = () => store.Touch(referral.Night, referral.Reference);
                }

                return new ReferralDecision<int>(decisions, ReferralChange.From(stored!, stored!.Value.FlagForManualRouting(DateTimeOffset.UnixEpoch)));
            },
            CancellationToken.None);

        Assert.Equal(2, result);
        Assert.Equal(ReferralStatus.NeedsManualRouting, Assert.Single(store.Referrals).Status);
    }

    [Fact]
    public async Task A_referral_that_keeps_changing_gives_up_after_the_attempt_limit()
    {
        var (store, referral) = await StoredAsync();
        var decisions = 0;

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.UpdateAsync(
            referral.Night,
            referral.Reference,
            stored =>
            {
                decisions++;
                store.BeforeNextSave = () => store.Touch(referral.Night, referral.Reference);
                return new ReferralDecision<bool>(true, ReferralChange.From(stored!, stored!.Value.FlagForManualRouting(DateTimeOffset.UnixEpoch)));
            },
            CancellationToken.None));

        Assert.Equal(ReferralUpdates.MaxAttempts, decisions);
        Assert.Equal(ReferralStatus.Received, Assert.Single(store.Referrals).Status);
    }

    [Fact]
    public async Task A_decision_to_write_nothing_saves_nothing_and_a_missing_referral_is_decided_as_null()
    {
        var (store, referral) = await StoredAsync();
        var saves = store.Saves;

        var missing = await store.UpdateAsync(referral.Night, ReferenceCode.New(), stored => new ReferralDecision<bool>(stored is null), CancellationToken.None);
        await store.ApplyAsync(referral.Night, referral.Reference, r => r.ReleaseAdvice(), CancellationToken.None);

        Assert.True(missing);
        Assert.Equal(saves, store.Saves);
    }

    [Fact]
    public async Task A_copy_just_read_is_decided_on_first_and_read_again_after_a_conflict()
    {
        var (store, referral) = await StoredAsync();
        var read = (await store.FindAsync(referral.Night, referral.Reference, CancellationToken.None))!;
        store.Touch(referral.Night, referral.Reference);
        var versions = new List<string>();

        await store.UpdateAsync(
            read,
            stored =>
            {
                versions.Add(stored!.Version);
                return new ReferralDecision<bool>(true, ReferralChange.From(stored, stored.Value.Close(DateTimeOffset.UnixEpoch, Actors.System, null)));
            },
            CancellationToken.None);

        Assert.Equal(2, versions.Count);
        Assert.Equal(read.Version, versions[0]);
        Assert.NotEqual(read.Version, versions[1]);
        Assert.Equal(ReferralStatus.Closed, Assert.Single(store.Referrals).Status);
    }
}
