using Azure.Data.Tables;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;
using NightSafe.Integrations.Storage;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>
/// The phone index of the Referrals table: a row per (night, subject phone hash, reference), written in the
/// referral's own transaction, that erasure by phone number reads instead of every referral.
/// </summary>
[Collection(AzuriteGroup.Name)]
public sealed class PhoneIndexTests(AzuriteFixture azurite) : ReferralStoreTests(azurite)
{
    [Fact]
    public async Task Referrals_holding_a_number_are_found_across_nights_through_index_rows_that_never_hold_the_number()
    {
        var night = StorageTestBed.UniqueNight();
        var first = StorageTestBed.Referral(night);
        var later = StorageTestBed.Referral(night.Next.Next);
        var other = StorageTestBed.Referral(night) with { SubjectPhone = "+447700900999" };
        var none = StorageTestBed.Referral(night) with { SubjectPhone = null };
        foreach (var referral in new[] { first, later, other, none })
        {
            Assert.True(await Store.TryCreateAsync(referral, [StorageTestBed.Event(T0, ReferralEventKinds.Received)], Ct));
        }

        var found = await Store.HoldingPhoneAsync("+447700900123", night, night.Next.Next, Ct);
        var outside = await Store.HoldingPhoneAsync("+447700900123", night.Next, night.Next, Ct);

        Assert.Equal([first.Key, later.Key], found.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Empty(outside);
        var index = IndexRows(night);
        Assert.Equal(2, index.Count);
        Assert.All(index, row => Assert.DoesNotContain("900123", row.RowKey + string.Join(",", row.Select(p => p.Value)), StringComparison.Ordinal));
        Assert.Equal(4, (await Store.NightAsync(night, Ct)).Count + (await Store.NightAsync(night.Next.Next, Ct)).Count);
        Assert.Equal(3, (await Store.NightRowsAsync(night, Ct)).Referrals.Count);
    }

    [Fact]
    public async Task A_number_added_by_an_amendment_is_indexed_and_a_corrected_number_no_longer_finds_the_referral()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night) with { SubjectPhone = null };
        Assert.True(await Store.TryCreateAsync(referral, [], Ct));

        var read = (await Store.FindAsync(night, referral.Reference, Ct))!;
        await Store.SaveAsync(new ReferralChange(night, referral.Reference) { Referral = read.Value with { SubjectPhone = "+447700900555" }, ReferralVersion = read.Version }, Ct);
        var added = await Store.HoldingPhoneAsync("+447700900555", night, night, Ct);
        read = (await Store.FindAsync(night, referral.Reference, Ct))!;
        await Store.SaveAsync(new ReferralChange(night, referral.Reference) { Referral = read.Value with { SubjectPhone = "+447700900556" }, ReferralVersion = read.Version }, Ct);

        Assert.Equal([referral.Key], added.Select(r => r.Key));
        Assert.Empty(await Store.HoldingPhoneAsync("+447700900555", night, night, Ct));
        Assert.Equal([referral.Key], (await Store.HoldingPhoneAsync("+447700900556", night, night, Ct)).Select(r => r.Key));
    }

    [Fact]
    public async Task Erasure_deletes_the_referrals_index_rows_so_nobodys_number_finds_it_again()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night);
        var kept = StorageTestBed.Referral(night);
        Assert.True(await Store.TryCreateAsync(referral, [], Ct));
        Assert.True(await Store.TryCreateAsync(kept, [], Ct));

        await Store.EraseAsync(night, referral.Reference, T0.AddDays(1), StorageTestBed.Event(T0.AddDays(1), ReferralEventKinds.Erased), Ct);

        Assert.Equal([kept.Key], (await Store.HoldingPhoneAsync("+447700900123", night, night, Ct)).Select(r => r.Key));
        Assert.Equal([kept.Reference.ToString()], IndexRows(night).Select(r => r.GetString("Reference")));
        Assert.Null((await Store.FindAsync(night, referral.Reference, Ct))!.Value.SubjectPhone);
    }

    [Fact]
    public async Task The_backfill_gives_referrals_stored_before_the_index_their_rows_once_and_none_to_an_erased_one()
    {
        var night = StorageTestBed.UniqueNight();
        var old = StorageTestBed.Referral(night);
        var erased = StorageTestBed.Referral(night);
        var indexed = StorageTestBed.Referral(night.Next) with { SubjectPhone = "+447700900124" };
        var table = Bed.Table(StorageNames.ReferralsTable);
        foreach (var referral in new[] { old, erased, indexed })
        {
            Assert.True(await Store.TryCreateAsync(referral, [], Ct));
        }

        await Store.EraseAsync(night, erased.Reference, T0.AddDays(1), StorageTestBed.Event(T0.AddDays(1), ReferralEventKinds.Erased), Ct);
        // As an older deploy wrote them: no index rows in the night, and no backfill done.
        foreach (var row in IndexRows(night))
        {
            await table.DeleteEntityAsync(row, cancellationToken: Ct);
        }

        await table.DeleteEntityAsync(TableReferralStore.MaintenancePartition, TableReferralStore.PhoneIndexBackfilled, cancellationToken: Ct);
        var before = await Store.HoldingPhoneAsync("+447700900123", night, night, Ct);

        var given = await Store.BackfillPhoneIndexAsync(night, night.Next, Ct);
        await table.DeleteEntityAsync(IndexRows(night).Single(), cancellationToken: Ct);
        var again = await Store.BackfillPhoneIndexAsync(night, night.Next, Ct);

        Assert.Empty(before);
        Assert.Equal(2, given);
        Assert.Equal(0, again);
        Assert.Empty(IndexRows(night));
        Assert.Equal([indexed.Key], (await Store.HoldingPhoneAsync("+447700900124", night, night.Next, Ct)).Select(r => r.Key));
        Assert.True((await table.GetEntityIfExistsAsync<TableEntity>(TableReferralStore.MaintenancePartition, TableReferralStore.PhoneIndexBackfilled, cancellationToken: Ct)).HasValue);
    }

    [Fact]
    public async Task After_the_backfill_a_referral_stored_before_the_index_is_found_by_its_number()
    {
        var night = StorageTestBed.UniqueNight();
        var old = StorageTestBed.Referral(night) with { SubjectPhone = "+447700900125" };
        var table = Bed.Table(StorageNames.ReferralsTable);
        Assert.True(await Store.TryCreateAsync(old, [], Ct));
        await table.DeleteEntityAsync(IndexRows(night).Single(), cancellationToken: Ct);
        await table.DeleteEntityAsync(TableReferralStore.MaintenancePartition, TableReferralStore.PhoneIndexBackfilled, cancellationToken: Ct);

        await Store.BackfillPhoneIndexAsync(night, night, Ct);

        Assert.Equal([old.Key], (await Store.HoldingPhoneAsync("+447700900125", night, night, Ct)).Select(r => r.Key));
        Assert.Equal([old.Reference.ToString()], IndexRows(night).Select(r => r.GetString("Reference")));
        Assert.Equal("+447700900125", (await Store.FindAsync(night, old.Reference, Ct))!.Value.SubjectPhone);
    }

    private List<TableEntity> IndexRows(Core.Nights.NightId night) =>
        [.. Bed.Table(StorageNames.ReferralsTable).Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {night.ToString()} and RowKey ge {"P|"} and RowKey lt {"P}"}"))];
}
