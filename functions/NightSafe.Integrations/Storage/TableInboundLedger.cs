using NightSafe.Core.Text;
using Azure;
using Azure.Data.Tables;
using NightSafe.Core.Intake;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The InboundMessages table: one row per inbound message (PartitionKey = source, RowKey = its id, hashed when it
/// cannot be a key). Every change after the first insert is guarded by the row's ETag, so of two attempts racing for
/// the same message exactly one becomes its owner.
/// </summary>
public sealed class TableInboundLedger : IInboundLedger
{
    private const string State = "State";
    private const string Night = "Night";
    private const string Reference = "Reference";
    private const string Reply = "Reply";
    private const string Reason = "Reason";
    private const string ClaimedAt = "ClaimedAt";
    private const string Released = "Released";
    private const string CreatedAt = "CreatedAt";
    private const string FinishedAt = "FinishedAt";
    private const string Fingerprint = "Fingerprint";

    // An insert that lost to a row purged a moment later tries again; more than this is not a race but a fault.
    private const int ClaimRounds = 3;

    private readonly TableClient _table;
    private readonly PartitionTransactions _transactions;
    private readonly StorageInitializer _storage;
    private readonly TimeProvider _time;
    private readonly PhoneKeys _keys;

    public TableInboundLedger(TableServiceClient tables, StorageInitializer storage, TimeProvider time, PhoneKeys keys, StorageTransactionOptions? transactions = null)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.InboundMessagesTable);

        // Every officer's text is claimed and answered in one partition: under load those writes go together.
        _transactions = new PartitionTransactions(_table, (transactions ?? new StorageTransactionOptions()).InFlight);
        _storage = storage;
        _time = time;
        _keys = keys;
    }

    public async Task<InboundClaim> ClaimAsync(string source, string key, TimeSpan staleAfter, InboundReservation? reservation, CancellationToken cancellationToken)
    {
        var (partition, row) = Keys(source, key);
        await _storage.EnsureAsync(cancellationToken);
        for (var round = 1; ; round++)
        {
            var now = _time.GetUtcNow();
            try
            {
                // The reservation goes in with the claim: a retry after a crash finds the referral under it.
                var fresh = new TableEntity(partition, row)
                {
                    [State] = nameof(InboundState.Claimed),
                    [ClaimedAt] = now,
                    [CreatedAt] = now,
                    [Released] = false,
                };
                if (reservation is not null)
                {
                    fresh[Night] = reservation.Night.ToString();
                    fresh[Reference] = reservation.Reference.ToString();
                    if (reservation.Fingerprint is { } fingerprint)
                    {
                        fresh[Fingerprint] = fingerprint;
                    }
                }

                var added = (await _transactions.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, fresh)], cancellationToken))[0];
                return new InboundClaim(source, key, InboundState.Claimed, VersionOf(added), reservation?.Night, reservation?.Reference)
                {
                    Fingerprint = reservation?.Fingerprint,
                };
            }
            catch (RequestFailedException e) when (TableErrors.IsConflict(e))
            {
                // Seen before: decide from the row below.
            }

            var found = await _table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
            if (!found.HasValue || found.Value is not { } entity)
            {
                if (round < ClaimRounds)
                {
                    continue;
                }

                throw new InvalidOperationException($"Inbound message {source} could not be claimed: its row keeps disappearing.");
            }

            var claim = ToClaim(source, key, entity);
            if (claim.State is InboundState.Done or InboundState.Rejected)
            {
                return claim;
            }

            var released = entity.GetBoolean(Released) ?? false;
            var claimedAt = entity.GetDateTimeOffset(ClaimedAt) ?? DateTimeOffset.MinValue;
            if (!released && now - claimedAt < staleAfter)
            {
                return claim with { State = InboundState.Busy };
            }

            // Released after a failure, or abandoned: take it over, keeping what the last owner stored.
            entity[ClaimedAt] = now;
            entity[Released] = false;
            try
            {
                var taken = await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return claim with { Version = VersionOf(taken), TakenOver = true };
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                return claim with { State = InboundState.Busy };
            }
            catch (RequestFailedException e) when (e.Status == 404 && round < ClaimRounds)
            {
                // Purged between the read and the update: start again.
            }
        }
    }

    public async Task<InboundClaim> RecordStoredAsync(InboundClaim claim, NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var version = await UpdateAsync(
            claim,
            new()
            {
                [State] = nameof(InboundState.Stored),
                [Night] = night.ToString(),
                [Reference] = reference.ToString(),
            },
            cancellationToken);
        return claim with { State = InboundState.Stored, Version = version, Night = night, Reference = reference };
    }

    public async Task<InboundClaim> ReserveAsync(InboundClaim claim, InboundReservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(reservation);
        var version = await UpdateAsync(
            claim,
            new()
            {
                [Night] = reservation.Night.ToString(),
                [Reference] = reservation.Reference.ToString(),
            },
            cancellationToken);
        return claim with { Version = version, Night = reservation.Night, Reference = reservation.Reference };
    }

    public async Task CompleteAsync(InboundClaim claim, string reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(reply);
        await UpdateAsync(
            claim,
            new()
            {
                [State] = nameof(InboundState.Done),
                [Reply] = reply,
                [FinishedAt] = _time.GetUtcNow(),
            },
            cancellationToken);
    }

    public async Task CompleteAsync(InboundClaim claim, string reply, string officerPhoneE164, OfficerThread thread, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(reply);
        var (partition, row) = Keys(claim.Source, claim.Key);
        var threadRow = TableConversationStore.Row(_keys, officerPhoneE164, thread);
        if (threadRow.PartitionKey != partition)
        {
            // Not an officer's text (another source keeps its claims elsewhere): two writes, the answer last.
            await _storage.EnsureAsync(cancellationToken);
            await _table.UpsertEntityAsync(threadRow, TableUpdateMode.Replace, cancellationToken);
            await CompleteAsync(claim, reply, cancellationToken);
            return;
        }

        var answer = new TableEntity(partition, row)
        {
            [State] = nameof(InboundState.Done),
            [Reply] = reply,
            [FinishedAt] = _time.GetUtcNow(),
        };
        await _storage.EnsureAsync(cancellationToken);
        try
        {
            await _transactions.SubmitAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateMerge, answer, new ETag(claim.Version)),
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, threadRow),
                ],
                cancellationToken);
        }
        catch (RequestFailedException e) when (TableErrors.IsLostRace(e))
        {
            throw new ConcurrencyConflictException($"The claim on an inbound {claim.Source} message was taken over by another attempt.", e);
        }
    }

    public async Task RejectAsync(InboundClaim claim, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(reason);
        await UpdateAsync(
            claim,
            new()
            {
                [State] = nameof(InboundState.Rejected),
                [Reason] = reason,
                [FinishedAt] = _time.GetUtcNow(),
            },
            cancellationToken);
    }

    public async Task ReleaseAsync(InboundClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        try
        {
            await UpdateAsync(claim, new() { [Released] = true }, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            // Someone else owns it already (or it is gone): nothing of ours to give up.
        }
    }

    public async Task<InboundClaim?> FindAsync(string source, string key, CancellationToken cancellationToken)
    {
        var (partition, row) = Keys(source, key);
        await _storage.EnsureAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity && ToClaim(source, key, entity) is { State: InboundState.Done or InboundState.Rejected } claim
            ? claim
            : null;
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        return await _table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"CreatedAt lt {before}"), cancellationToken);
    }

    private static (string Partition, string Row) Keys(string source, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return (TableKeys.Safe(source), TableKeys.Safe(key));
    }

    private static string VersionOf(Response response) =>
        response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("The Table service answered a write without an ETag.");

    private static InboundClaim ToClaim(string source, string key, TableEntity entity)
    {
        var state = EnumNames.TryParse<InboundState>(entity.GetString(State), out var parsed) ? parsed : InboundState.Busy;
        return new InboundClaim(
            source,
            key,
            state,
            entity.ETag.ToString(),
            NightId.TryParse(entity.GetString(Night), out var night) ? night : null,
            ReferenceCode.TryParse(entity.GetString(Reference), out var reference) ? reference : null,
            entity.GetString(Reply))
        {
            Fingerprint = entity.GetString(Fingerprint),
        };
    }

    private async Task<string> UpdateAsync(InboundClaim claim, TableEntity changes, CancellationToken cancellationToken)
    {
        var (partition, row) = Keys(claim.Source, claim.Key);
        changes.PartitionKey = partition;
        changes.RowKey = row;
        await _storage.EnsureAsync(cancellationToken);
        try
        {
            var updated = await _table.UpdateEntityAsync(changes, new ETag(claim.Version), TableUpdateMode.Merge, cancellationToken);
            return VersionOf(updated);
        }
        catch (RequestFailedException e) when (TableErrors.IsLostRace(e))
        {
            throw new ConcurrencyConflictException($"The claim on an inbound {claim.Source} message was taken over by another attempt.", e);
        }
    }
}
