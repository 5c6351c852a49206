using NightSafe.Core.World;
using Azure.Data.Tables;
using NightSafe.Core.Ports;
using NightSafe.Integrations.Storage;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>
/// Rows written before the pepper, under "phone-" and the plain SHA-256 of the number, are still found after the
/// upgrade and moved to their keyed-hash key: the roster, opt-outs, conversations, duty phones and SMS markers.
/// Each row is written through today's adapter, then put back under its old key, as the previous version left it.
/// </summary>
[Collection(AzuriteGroup.Name)]
public sealed class LegacyPhoneKeysTests(AzuriteFixture azurite) : IDisposable
{
    private static int s_numbers;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task Roster_opt_out_and_conversation_rows_under_old_keys_are_found_and_moved_to_the_new_key()
    {
        // Officers' threads are not here: they live 15 minutes and moved table since (a deploy forgets them).
        var (officerPhone, optedOut) = (NewNumber(), NewNumber());
        var collar = $"PC {Random.Shared.Next(10000, 99999)}";
        var officer = new Officer(officerPhone, "Sam Okafor", collar, new TownId("colchester"), Active: true, Supervisor: true);
        using (var before = new StorageTestBed(azurite))
        {
            await before.Get<NightSafe.Integrations.Storage.TableOfficerRoster>().UpsertAsync(officer, Ct);
            await before.Get<IOptOutRegistry>().OptOutAsync(optedOut, "STOP", Ct);
            var keys = before.Get<PhoneKeys>();
            await DemoteAsync(before.Table(StorageNames.OfficersTable), TableOfficerRoster.Partition, keys.For(officerPhone), PhoneKeys.Legacy(officerPhone));
            await DemoteAsync(before.Table(StorageNames.OptOutsTable), TableOptOutRegistry.Partition, keys.For(optedOut), PhoneKeys.Legacy(optedOut));
        }

        // The upgraded app: a new process, which has not yet asked whether old keys remain.
        using var after = new StorageTestBed(azurite);
        var newKeys = after.Get<PhoneKeys>();

        Assert.Equal(officer, await after.Get<IOfficerRoster>().FindAsync(officerPhone, Ct));
        Assert.True(await after.Get<IOptOutRegistry>().IsOptedOutAsync(optedOut, Ct));

        foreach (var (table, partition, phone) in new[]
        {
            (StorageNames.OfficersTable, TableOfficerRoster.Partition, officerPhone),
            (StorageNames.OptOutsTable, TableOptOutRegistry.Partition, optedOut),
        })
        {
            Assert.False(await ExistsAsync(after.Table(table), partition, PhoneKeys.Legacy(phone)), $"{table}: the old row is still there");
            Assert.True(await ExistsAsync(after.Table(table), partition, newKeys.For(phone)), $"{table}: no row under the new key");
        }

        // Moved once: the control room's roster lists the officer once, under the new key.
        var listed = await after.Get<IRosterDirectory>().ListAsync(Ct);
        Assert.Equal(newKeys.For(officerPhone), Assert.Single(listed, e => e.Collar == collar).Id);
        // Opting back in removes the opt-out for good.
        await after.Get<IOptOutRegistry>().OptInAsync(optedOut, Ct);
        Assert.False(await after.Get<IOptOutRegistry>().IsOptedOutAsync(optedOut, Ct));
    }

    [Fact]
    public async Task A_send_marked_under_an_old_key_is_still_marked_and_a_duty_phone_moves_when_listed()
    {
        var (recipient, duty) = (NewNumber(), NewNumber());
        var messageKey = $"advice/2026-12-18/{Guid.NewGuid():N}";
        var agency = $"legacy-agency-{Guid.NewGuid():N}"[..24];
        using (var before = new StorageTestBed(azurite))
        {
            var keys = before.Get<PhoneKeys>();
            Assert.True((await before.Get<ISmsMarkers>().BeginAsync(messageKey, recipient, before.Clock.GetUtcNow(), Ct)).Created);
            await before.Get<IDutyPhoneStore>().UpsertAsync(new StoredDutyPhone(AgencyId.From(agency), duty, Active: true), Ct);
            await DemoteAsync(before.Table(StorageNames.OutboundSmsTable), TableKeys.Safe(messageKey), keys.For(recipient), PhoneKeys.Legacy(recipient));
            await DemoteAsync(before.Table(StorageNames.DutyPhonesTable), TableDutyPhones.Partition, agency + "|" + keys.For(duty), agency + "|" + PhoneKeys.Legacy(duty));
        }

        using var after = new StorageTestBed(azurite);
        var newKeys = after.Get<PhoneKeys>();

        var claim = await after.Get<ISmsMarkers>().BeginAsync(messageKey, recipient, after.Clock.GetUtcNow(), Ct);
        Assert.False(claim.Created, "A send marked before the upgrade was marked again: it could be texted twice.");
        Assert.Equal(SmsMarkState.Sending, claim.Mark.State);
        Assert.False(await ExistsAsync(after.Table(StorageNames.OutboundSmsTable), TableKeys.Safe(messageKey), PhoneKeys.Legacy(recipient)));

        Assert.Single(await after.Get<IDutyPhoneStore>().ListAsync(Ct), p => p.AgencyId.Value == agency && p.Phone == duty && p.Active);
        Assert.False(await ExistsAsync(after.Table(StorageNames.DutyPhonesTable), TableDutyPhones.Partition, agency + "|" + PhoneKeys.Legacy(duty)));
        Assert.True(await ExistsAsync(after.Table(StorageNames.DutyPhonesTable), TableDutyPhones.Partition, agency + "|" + newKeys.For(duty)));
    }

    /// <summary>Puts a row back under the key the previous version gave it.</summary>
    private async Task DemoteAsync(TableClient table, string partition, string rowKey, string legacyRowKey)
    {
        var row = (await table.GetEntityAsync<TableEntity>(partition, rowKey, cancellationToken: Ct)).Value;
        var old = new TableEntity(partition, legacyRowKey);
        foreach (var (key, value) in row)
        {
            if (key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
            {
                old[key] = value;
            }
        }

        await table.AddEntityAsync(old, Ct);
        await table.DeleteEntityAsync(partition, rowKey, Azure.ETag.All, Ct);
    }

    private async Task<bool> ExistsAsync(TableClient table, string partition, string rowKey) =>
        (await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, select: ["RowKey"], cancellationToken: Ct)).HasValue;

    /// <summary>A fresh number in Ofcom's drama range, apart from the other store tests' numbers.</summary>
    private static string NewNumber() => $"+4477009{80000 + Interlocked.Increment(ref s_numbers):D5}";

    public void Dispose() => _timeout.Dispose();
}
