using NightSafe.Core.World;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// Referrals, their partner cases and their audit trail in the Referrals table. A night is a partition and a
/// referral's rows sit together in it, so each change is one entity-group transaction (at most 100 rows).
/// </summary>
public sealed class TableReferralStore : IReferralStore
{
    /// <summary>The Table service's limit on the operations of one transaction.</summary>
    public const int MaxTransactionSize = 100;

    /// <summary>The partition of the table's own bookkeeping: no night id sorts near it, so no night's query reads it.</summary>
    public const string MaintenancePartition = "maintenance";

    /// <summary>The marker row of a finished phone index backfill (<see cref="BackfillPhoneIndexAsync"/>).</summary>
    public const string PhoneIndexBackfilled = "phone-index-backfill";

    private readonly TableClient _table;
    private readonly PartitionTransactions _transactions;
    private readonly StorageInitializer _storage;

    private readonly PhoneKeys _phoneKeys;

    public TableReferralStore(TableServiceClient tables, StorageInitializer storage, PhoneKeys phoneKeys, StorageTransactionOptions? transactions = null)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.ReferralsTable);
        _transactions = new PartitionTransactions(_table, (transactions ?? new StorageTransactionOptions()).InFlight);
        _storage = storage;
        _phoneKeys = phoneKeys;
    }

    public async Task<bool> TryCreateAsync(Referral referral, IReadOnlyList<ReferralEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(events);
        List<TableTransactionAction> actions = [new(TableTransactionActionType.Add, ReferralRows.ToEntity(referral))];
        actions.AddRange(PhoneIndexActions(referral));
        actions.AddRange(EventActions(referral.Night, referral.Reference, events));
        EnsureFits(actions.Count, referral.Night, referral.Reference);

        await _storage.EnsureAsync(cancellationToken);
        try
        {
            await _transactions.SubmitAsync(actions, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (TableErrors.IsConflict(e))
        {
            return false;
        }
    }

    public async Task<Stored<Referral>?> FindAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(night.ToString(), ReferralRows.ReferralKey(reference), cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity ? new Stored<Referral>(ReferralRows.ToReferral(entity), entity.ETag.ToString()) : null;
    }

    public async Task<string?> SaveAsync(ReferralChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var actions = new List<TableTransactionAction>();
        if (change.Referral is { } referral)
        {
            if (change.ReferralVersion is null)
            {
                throw new ArgumentException("A changed referral needs the version it was read at.", nameof(change));
            }

            EnsureSameReferral(change, referral.Night, referral.Reference);
            actions.Add(new(TableTransactionActionType.UpdateReplace, ReferralRows.ToEntity(referral), new ETag(change.ReferralVersion)));
            actions.AddRange(PhoneIndexActions(referral));
        }

        foreach (var (partnerCase, version) in change.Cases)
        {
            EnsureSameReferral(change, partnerCase.Night, partnerCase.Reference);
            EnsureAgencyKey(partnerCase.AgencyId.Value);
            var entity = ReferralRows.ToEntity(partnerCase);
            actions.Add(version is null
                ? new(TableTransactionActionType.Add, entity)
                : new(TableTransactionActionType.UpdateReplace, entity, new ETag(version)));
        }

        actions.AddRange(EventActions(change.Night, change.Reference, change.Events));
        if (actions.Count == 0)
        {
            return null;
        }

        EnsureFits(actions.Count, change.Night, change.Reference);
        await _storage.EnsureAsync(cancellationToken);
        try
        {
            // The answer holds one response per action, in order: the referral's replace (when there is one) is first.
            var answers = await _transactions.SubmitAsync(actions, cancellationToken);
            return change.Referral is not null && answers.Count > 0 && answers[0].Headers.ETag is { } version ? version.ToString() : null;
        }
        catch (RequestFailedException e) when (TableErrors.IsLostRace(e))
        {
            throw new ConcurrencyConflictException($"Referral {change.Night}/{change.Reference} changed since it was read; nothing was written.", e);
        }
    }

    public async Task AppendAsync(NightId night, ReferenceCode reference, IReadOnlyList<ReferralEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var actions = EventActions(night, reference, events).ToList();
        if (actions.Count == 0)
        {
            return;
        }

        await _storage.EnsureAsync(cancellationToken);
        foreach (var chunk in actions.Chunk(MaxTransactionSize))
        {
            await _transactions.SubmitAsync(chunk, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<Stored<PartnerCase>>> CasesAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        var rows = await RangeAsync(night, ReferralRows.CasesOfPrefix(reference), cancellationToken);
        return [.. rows.Select(e => new Stored<PartnerCase>(ReferralRows.ToCase(e), e.ETag.ToString()))];
    }

    public async Task<Stored<PartnerCase>?> FindCaseAsync(NightId night, ReferenceCode reference, AgencyId agencyId, CancellationToken cancellationToken)
    {
        if (!IsAgencyKey(agencyId.Value))
        {
            return null;
        }

        await _storage.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(night.ToString(), ReferralRows.CaseKey(reference, agencyId), cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity ? new Stored<PartnerCase>(ReferralRows.ToCase(entity), entity.ETag.ToString()) : null;
    }

    public async Task<IReadOnlyList<PartnerCase>> CasesForAgencyAsync(NightId night, AgencyId agencyId, CancellationToken cancellationToken)
    {
        if (!IsAgencyKey(agencyId.Value))
        {
            // Agency ids are part of case keys: one that cannot be a key has no cases.
            return [];
        }

        var prefix = ReferralRows.CasePrefix;
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {night.ToString()} and RowKey ge {prefix} and RowKey lt {TableKeys.AfterPrefix(prefix)} and Agency eq {agencyId.Value}");
        var rows = await QueryAsync(filter, cancellationToken);
        return [.. rows.Select(ReferralRows.ToCase)];
    }

    public async Task<IReadOnlyList<ReferralEvent>> TrailAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        var rows = await RangeAsync(night, ReferralRows.EventsOfPrefix(reference), cancellationToken);
        return [.. rows.Select(ReferralRows.ToEvent)];
    }

    public async Task<IReadOnlyList<Referral>> NightAsync(NightId night, CancellationToken cancellationToken)
    {
        var rows = await RangeAsync(night, ReferralRows.ReferralPrefix, cancellationToken);
        return [.. rows.Select(ReferralRows.ToReferral)];
    }

    public async Task<IReadOnlyList<Referral>> AwaitingAsync(NightId night, CancellationToken cancellationToken)
    {
        // The service filters the row-key range of the night's referrals: only the few still waiting come back.
        var prefix = ReferralRows.ReferralPrefix;
        var rows = await QueryAsync(
            TableClient.CreateQueryFilter(
                $"PartitionKey eq {night.ToString()} and RowKey ge {prefix} and RowKey lt {TableKeys.AfterPrefix(prefix)} and (Status eq {nameof(ReferralStatus.Received)} or Advice eq {nameof(AdviceState.Sent)})"),
            cancellationToken);
        return [.. rows.Select(ReferralRows.ToReferral)];
    }

    public async Task<IReadOnlyList<PartnerCase>> NightCasesAsync(NightId night, CancellationToken cancellationToken)
    {
        var rows = await RangeAsync(night, ReferralRows.CasePrefix, cancellationToken);
        return [.. rows.Select(ReferralRows.ToCase)];
    }

    public async Task<NightRows> NightRowsAsync(NightId night, CancellationToken cancellationToken)
    {
        // One partition query (one request per 1,000 rows) instead of a read per referral.
        var rows = await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {night.ToString()}"), cancellationToken);
        var referrals = new List<Referral>();
        var cases = new List<PartnerCase>();
        var events = new List<NightEvent>();
        foreach (var row in rows)
        {
            if (row.RowKey.StartsWith(ReferralRows.ReferralPrefix, StringComparison.Ordinal))
            {
                referrals.Add(ReferralRows.ToReferral(row));
            }
            else if (row.RowKey.StartsWith(ReferralRows.CasePrefix, StringComparison.Ordinal))
            {
                cases.Add(ReferralRows.ToCase(row));
            }
            else if (row.RowKey.StartsWith(ReferralRows.EventPrefix, StringComparison.Ordinal)
                && ReferenceCode.TryParse(row.GetString("Reference"), out var reference))
            {
                events.Add(new NightEvent(reference, ReferralRows.ToEvent(row)));
            }
        }

        return new NightRows(referrals, cases, events);
    }

    public async IAsyncEnumerable<Referral> UnerasedBeforeAsync(NightId cutoff, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prefix = ReferralRows.ReferralPrefix;
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey lt {cutoff.ToString()} and RowKey ge {prefix} and RowKey lt {TableKeys.AfterPrefix(prefix)} and Erased eq {false}");
        await _storage.EnsureAsync(cancellationToken);
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return ReferralRows.ToReferral(entity);
        }
    }

    public async Task<IReadOnlyList<Referral>> HoldingPhoneAsync(string e164, NightId first, NightId last, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(e164);
        // One range query over the nights' index rows (PartitionKey range, RowKey prefix of the phone's hash): the phone
        // itself never travels in a request, and no referral row is read that does not hold it.
        var prefix = ReferralRows.PhoneIndexPrefix(_phoneKeys.For(e164));
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {first.ToString()} and PartitionKey le {last.ToString()} and RowKey ge {prefix} and RowKey lt {TableKeys.AfterPrefix(prefix)}");
        var found = new List<Referral>();
        foreach (var row in await QueryAsync(filter, cancellationToken))
        {
            if (ReferenceCode.TryParse(row.GetString("Reference"), out var reference)
                && await FindAsync(NightId.Parse(row.PartitionKey), reference, cancellationToken) is { Value: var referral }
                && referral.SubjectPhone == e164)
            {
                // An index row outlives a number the officer corrected: only a referral that holds the number counts.
                found.Add(referral);
            }
        }

        return found;
    }

    public async Task<int> BackfillPhoneIndexAsync(NightId first, NightId last, CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        if ((await _table.GetEntityIfExistsAsync<TableEntity>(MaintenancePartition, PhoneIndexBackfilled, cancellationToken: cancellationToken)).HasValue)
        {
            return 0;
        }

        // One range query over the nights' referral rows (only the columns needed); their index rows are upserted, so a
        // referral that has one already, or a run cut short and done again, writes the same row.
        var prefix = ReferralRows.ReferralPrefix;
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {first.ToString()} and PartitionKey le {last.ToString()} and RowKey ge {prefix} and RowKey lt {TableKeys.AfterPrefix(prefix)}");
        var holding = new List<TableEntity>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", ReferralRows.SubjectPhone, ReferralRows.Erased], cancellationToken: cancellationToken))
        {
            if (row.GetBoolean(ReferralRows.Erased) != true && row.GetString(ReferralRows.SubjectPhone) is { Length: > 0 })
            {
                holding.Add(row);
            }
        }

        var given = 0;
        var complete = true;
        foreach (var batch in holding.GroupBy(r => r.PartitionKey).SelectMany(night => night.Chunk(MaxTransactionSize / 2)))
        {
            // Each index row goes with a check that its referral is as read (same phone, not erased since): an erasure
            // racing the backfill cannot be left with an index row of the number it erased.
            var actions = batch.SelectMany(row => new TableTransactionAction[]
            {
                new(TableTransactionActionType.UpdateMerge, new TableEntity(row.PartitionKey, row.RowKey) { [ReferralRows.SubjectPhone] = row.GetString(ReferralRows.SubjectPhone) }, row.ETag),
                new(TableTransactionActionType.UpsertReplace, ReferralRows.ToPhoneIndexEntity(NightId.Parse(row.PartitionKey), ReferenceCode.Parse(row.RowKey[prefix.Length..]), _phoneKeys.For(row.GetString(ReferralRows.SubjectPhone)))),
            });
            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                given += batch.Length;
            }
            catch (RequestFailedException e) when (TableErrors.IsLostRace(e))
            {
                // A referral of the batch changed meanwhile: the next run reads it again (no marker until all are done).
                complete = false;
            }
        }

        if (complete)
        {
            await _table.UpsertEntityAsync(
                new TableEntity(MaintenancePartition, PhoneIndexBackfilled) { ["FirstNight"] = first.ToString(), ["LastNight"] = last.ToString(), ["Referrals"] = given },
                cancellationToken: cancellationToken);
        }

        return given;
    }

    public async Task EraseAsync(NightId night, ReferenceCode reference, DateTimeOffset erasedAt, ReferralEvent erasure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        await _storage.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(night.ToString(), ReferralRows.ReferralKey(reference), cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } referralRow || referralRow.GetBoolean(ReferralRows.Erased) == true)
        {
            // Nothing stored, or erased already (the referral row is always written last): nothing left to erase.
            return;
        }

        var erased = ReferralRows.ToReferral(referralRow) with { Location = null, Description = null, SubjectPhone = null, ErasedAt = erasedAt };
        var cases = await RangeAsync(night, ReferralRows.CasesOfPrefix(reference), cancellationToken);
        var events = await RangeAsync(night, ReferralRows.EventsOfPrefix(reference), cancellationToken);
        var indexed = await QueryAsync(
            TableClient.CreateQueryFilter(
                $"PartitionKey eq {night.ToString()} and RowKey ge {ReferralRows.PhoneIndexRowPrefix} and RowKey lt {TableKeys.AfterPrefix(ReferralRows.PhoneIndexRowPrefix)} and Reference eq {reference.ToString()}"),
            cancellationToken);

        var rest = new List<TableTransactionAction>();
        foreach (var row in indexed)
        {
            // The phone's hash goes with the phone: an erased referral is found by nobody's number.
            rest.Add(new(TableTransactionActionType.Delete, row, ETag.All));
        }

        foreach (var row in cases)
        {
            var blanked = ReferralRows.ToEntity(ReferralRows.ToCase(row) with { View = "{}" });
            rest.Add(new(TableTransactionActionType.UpdateReplace, blanked, row.ETag));
        }

        foreach (var row in events)
        {
            var data = ReferralRows.ReadData(row.GetString(ReferralRows.Data));
            if (data.Remove(ReferralEventData.Note))
            {
                var blanked = ReferralRows.ToEntity(night, reference, ReferralRows.ToEvent(row) with { Data = data }, row.RowKey);
                rest.Add(new(TableTransactionActionType.UpdateReplace, blanked, row.ETag));
            }
        }

        List<TableTransactionAction> last =
        [
            new(TableTransactionActionType.UpdateReplace, ReferralRows.ToEntity(erased), referralRow.ETag),
            .. EventActions(night, reference, [erasure]),
        ];

        try
        {
            if (rest.Count + last.Count <= MaxTransactionSize)
            {
                await _table.SubmitTransactionAsync([.. rest, .. last], cancellationToken);
                return;
            }

            // Too many rows for one transaction: the referral goes last, so until it is marked erased a retry redoes all.
            foreach (var chunk in rest.Chunk(MaxTransactionSize))
            {
                await _table.SubmitTransactionAsync(chunk, cancellationToken);
            }

            await _table.SubmitTransactionAsync(last, cancellationToken);
        }
        catch (RequestFailedException e) when (TableErrors.IsLostRace(e))
        {
            throw new ConcurrencyConflictException($"Referral {night}/{reference} changed while it was being erased; run the erasure again.", e);
        }
    }

    /// <summary>
    /// The referral's phone index row (<c>P|{phone hash}|{ref}</c> in its night's partition), written in the same
    /// transaction as the referral: erasure by phone number finds it without reading other referrals, and without
    /// another storage request at intake. None once erased or without a subject phone.
    /// </summary>
    private IEnumerable<TableTransactionAction> PhoneIndexActions(Referral referral)
    {
        if (referral.SubjectPhone is { Length: > 0 } phone && referral.ErasedAt is null)
        {
            yield return new(TableTransactionActionType.UpsertReplace, ReferralRows.ToPhoneIndexEntity(referral.Night, referral.Reference, _phoneKeys.For(phone)));
        }
    }

    private static IEnumerable<TableTransactionAction> EventActions(NightId night, ReferenceCode reference, IReadOnlyList<ReferralEvent> events)
    {
        // Keys rise strictly within one write, so events stamped with the same instant keep the order they were given in.
        long? previous = null;
        foreach (var referralEvent in events)
        {
            var ticks = previous is { } before ? Math.Max(referralEvent.At.UtcTicks, before + 1) : referralEvent.At.UtcTicks;
            previous = ticks;
            var key = ReferralRows.EventKey(reference, ticks, RandomNumberGenerator.GetHexString(8, lowercase: true));
            yield return new(TableTransactionActionType.Add, ReferralRows.ToEntity(night, reference, referralEvent, key));
        }
    }

    private static void EnsureFits(int count, NightId night, ReferenceCode reference)
    {
        if (count > MaxTransactionSize)
        {
            throw new InvalidOperationException(
                $"A change to referral {night}/{reference} has {count} rows; one transaction holds at most {MaxTransactionSize}.");
        }
    }

    private static void EnsureSameReferral(ReferralChange change, NightId night, ReferenceCode reference)
    {
        if (night != change.Night || reference != change.Reference)
        {
            throw new ArgumentException($"A change to {change.Night}/{change.Reference} cannot write rows of {night}/{reference}.", nameof(change));
        }
    }

    private static bool IsAgencyKey(string agencyId) => TableKeys.IsAllowed(agencyId) && !agencyId.Contains('|', StringComparison.Ordinal);

    private static void EnsureAgencyKey(string agencyId)
    {
        if (!IsAgencyKey(agencyId))
        {
            throw new ArgumentException("An agency id cannot contain / \\ # ? | or control characters.", nameof(agencyId));
        }
    }

    private Task<List<TableEntity>> RangeAsync(NightId night, string prefix, CancellationToken cancellationToken) =>
        QueryAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {night.ToString()} and RowKey ge {prefix} and RowKey lt {TableKeys.AfterPrefix(prefix)}"),
            cancellationToken);

    private async Task<List<TableEntity>> QueryAsync(string filter, CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        var rows = new List<TableEntity>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(entity);
        }

        return rows;
    }
}
