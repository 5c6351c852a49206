using NightSafe.Core.World;
using NightSafe.Core.Intake;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Tests.Storage;

[Collection(AzuriteGroup.Name)]
public sealed class PeopleStoresTests(AzuriteFixture azurite) : IDisposable
{
    private static int s_numbers;

    private readonly StorageTestBed _bed = new(azurite);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task An_officer_reads_back_as_upserted_and_can_be_stood_down()
    {
        var roster = _bed.Get<IOfficerRoster>();
        var officer = new Officer(NewNumber(), "Sam Okafor", "PC 4471", new TownId("colchester"));

        await roster.UpsertAsync(officer, Ct);
        Assert.Equal(officer, await roster.FindAsync(officer.Phone, Ct));

        await roster.UpsertAsync(officer with { Active = false, TownId = new TownId("harlow") }, Ct);
        Assert.Equal(officer with { Active = false, TownId = new TownId("harlow") }, await roster.FindAsync(officer.Phone, Ct));
        Assert.Null(await roster.FindAsync(NewNumber(), Ct));
    }

    [Fact]
    public async Task The_roster_is_read_once_per_officer_while_cached_and_a_change_made_elsewhere_applies_within_its_lifetime()
    {
        var roster = _bed.Get<IOfficerRoster>();
        var counter = _bed.Get<NightSafe.Integrations.Storage.StorageRequestCounter>();
        var officer = new Officer(NewNumber(), "Sam Okafor", "PC 4471", new TownId("colchester"));
        await roster.UpsertAsync(officer, Ct);

        Assert.Equal(officer, await roster.FindAsync(officer.Phone, Ct));
        var reads = counter.Snapshot().GetValueOrDefault(NightSafe.Integrations.Storage.StorageOperation.TablePointRead);
        Assert.Equal(officer, await roster.FindAsync(officer.Phone, Ct));
        Assert.Equal(reads, counter.Snapshot().GetValueOrDefault(NightSafe.Integrations.Storage.StorageOperation.TablePointRead));

        // Stood down by another instance: this one still trusts its copy, until the copy's lifetime has passed.
        await _bed.Get<NightSafe.Integrations.Storage.TableOfficerRoster>().UpsertAsync(officer with { Active = false }, Ct);
        Assert.True((await roster.FindAsync(officer.Phone, Ct))!.Active);
        _bed.Clock.Advance(NightSafe.Integrations.Storage.CachedOfficerRoster.Lifetime);
        Assert.False((await roster.FindAsync(officer.Phone, Ct))!.Active);
    }

    [Fact]
    public async Task Phone_numbers_never_become_row_keys_and_opt_outs_do_not_store_the_number()
    {
        var number = NewNumber();
        await _bed.Get<IOfficerRoster>().UpsertAsync(new Officer(number, "Sam Okafor", "PC 4471", new TownId("colchester")), Ct);
        await _bed.Get<IOptOutRegistry>().OptOutAsync(number, "STOP", Ct);

        var digits = number[1..];
        foreach (var table in new[] { "Officers", "OptOuts" })
        {
            await foreach (var row in _bed.Table(table).QueryAsync<Azure.Data.Tables.TableEntity>(cancellationToken: Ct))
            {
                Assert.DoesNotContain(digits, row.RowKey, StringComparison.Ordinal);
                if (table == "OptOuts")
                {
                    Assert.DoesNotContain(row, p => p.Value?.ToString()?.Contains(digits, StringComparison.Ordinal) == true);
                }
            }
        }
    }

    [Theory]
    [InlineData("x' or PartitionKey ne '")]
    [InlineData("+447700900001' or RowKey gt '")]
    [InlineData("07700 900001")]
    [InlineData("")]
    public async Task Hostile_or_malformed_numbers_are_nobody(string number)
    {
        var roster = _bed.Get<IOfficerRoster>();
        var optOuts = _bed.Get<IOptOutRegistry>();
        await roster.UpsertAsync(new Officer(NewNumber(), "A N Other", "PC 1", new TownId("grays")), Ct);
        await optOuts.OptOutAsync(NewNumber(), "STOP", Ct);

        Assert.Null(await roster.FindAsync(number, Ct));
        Assert.False(await optOuts.IsOptedOutAsync(number, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => roster.UpsertAsync(new Officer(number, "x", "x", new TownId("x")), Ct));
    }

    [Fact]
    public async Task A_number_opts_out_and_back_in()
    {
        var optOuts = _bed.Get<IOptOutRegistry>();
        var number = NewNumber();
        Assert.False(await optOuts.IsOptedOutAsync(number, Ct));

        await optOuts.OptOutAsync(number, "STOP", Ct);
        await optOuts.OptOutAsync(number, "twilio-21610", Ct);
        Assert.True(await optOuts.IsOptedOutAsync(number, Ct));
        Assert.False(await optOuts.IsOptedOutAsync(NewNumber(), Ct));

        await optOuts.OptInAsync(number, Ct);
        Assert.False(await optOuts.IsOptedOutAsync(number, Ct));
        await optOuts.OptInAsync(number, Ct);
    }

    [Fact]
    public async Task An_officers_conversation_reads_back_until_it_expires_and_the_purge_forgets_only_expired_ones()
    {
        var conversations = _bed.Get<IConversationStore>();
        var now = _bed.Clock.GetUtcNow();
        var (expired, live) = (NewNumber(), NewNumber());
        var question = new OfficerThread { Asked = "town", LastNight = "2026-12-18", LastReference = "7KQ2MX", ExpiresAt = now + TimeSpan.FromMinutes(10) };
        await conversations.SaveAsync(expired, question with { ExpiresAt = now - TimeSpan.FromMinutes(1) }, Ct);
        await conversations.SaveAsync(live, question, Ct);

        var purged = await conversations.PurgeExpiredAsync(now, Ct);

        Assert.True(purged >= 1, $"purged {purged}");
        var table = _bed.Table("InboundMessages");
        var rows = new List<Azure.Data.Tables.TableEntity>();
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>(r => r.PartitionKey == "twilio", cancellationToken: Ct))
        {
            if (row.RowKey.StartsWith(NightSafe.Integrations.Storage.TableConversationStore.RowPrefix, StringComparison.Ordinal))
            {
                rows.Add(row);
            }
        }

        Assert.Single(rows, r => r.GetDateTimeOffset("ExpiresAt") == question.ExpiresAt);
        Assert.DoesNotContain(rows, r => r.GetDateTimeOffset("ExpiresAt") < now);
        Assert.All(rows, r => Assert.DoesNotContain(live[1..], r.RowKey, StringComparison.Ordinal));
        Assert.Equal(question, await conversations.FindAsync(live, Ct));
        Assert.Null(await conversations.FindAsync(expired, Ct));
    }

    /// <summary>A fresh number in Ofcom's drama range for each use.</summary>
    private static string NewNumber() => $"+4477009{Interlocked.Increment(ref s_numbers) % 100000:D5}";

    public void Dispose()
    {
        _timeout.Dispose();
        _bed.Dispose();
    }
}
