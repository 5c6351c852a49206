using Azure;
using Azure.Data.Tables;
using NightSafe.Core.Ports;
using NightSafe.Core.Sms;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The OutboundSms table: one row per (message key, recipient), PartitionKey the key (hashed when it cannot be one),
/// RowKey <see cref="PhoneKeys.For"/> of the number (never the number). The first insert wins; every later change
/// is guarded by the row's ETag, so of two attempts at the same send exactly one owns it. A marker written under its
/// pre-pepper key is moved before the insert (<see cref="LegacyPhoneRows"/>), so a send marked before the upgrade is
/// still seen as marked after it and never sent twice.
/// </summary>
public sealed class TableSmsMarkers : ISmsMarkers
{
    private const string State = "State";
    private const string FirstAttemptAt = "FirstAttemptAt";
    private const string AttemptedAt = "AttemptedAt";
    private const string MessageId = "MessageId";
    private const string ErrorCode = "ErrorCode";
    private const string Reason = "Reason";
    private const string CreatedAt = "CreatedAt";
    private const string Key = "Key";

    /// <summary>The referral ("night/reference") the message belongs to, when its key names one: its erasure finds the message ids here.</summary>
    private const string Referral = "Referral";

    private readonly TableClient _table;
    private readonly StorageInitializer _storage;
    private readonly TimeProvider _time;
    private readonly PhoneKeys _keys;
    private readonly LegacyPhoneRows _legacy;

    public TableSmsMarkers(TableServiceClient tables, StorageInitializer storage, TimeProvider time, PhoneKeys keys, LegacyPhoneRows legacy)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.OutboundSmsTable);
        _storage = storage;
        _time = time;
        _keys = keys;
        _legacy = legacy;
    }

    public async Task<SmsMarkClaim> BeginAsync(string key, string recipient, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (partition, row) = Keys(key, recipient);
        await _storage.EnsureAsync(cancellationToken);
        // Markers are partitioned by message, so whether old keys remain is asked of the whole table, once.
        if (await _legacy.MayExistAsync(_table, partition: null, cancellationToken))
        {
            await LegacyPhoneRows.MoveAsync(_table, partition, PhoneKeys.Legacy(recipient), row, cancellationToken);
        }

        for (var round = 1; ; round++)
        {
            try
            {
                var entity = new TableEntity(partition, row)
                {
                    [Key] = key,
                    [State] = nameof(SmsMarkState.Sending),
                    [FirstAttemptAt] = now,
                    [AttemptedAt] = now,
                    [CreatedAt] = _time.GetUtcNow(),
                };
                if (SmsKeys.ReferralOf(key) is { } referral)
                {
                    entity[Referral] = referral;
                }

                var added = await _table.AddEntityAsync(entity, cancellationToken);
                return new SmsMarkClaim(new SmsMark(key, SmsMarkState.Sending, now, now, VersionOf(added)), Created: true);
            }
            catch (RequestFailedException e) when (TableErrors.IsConflict(e))
            {
                // Marked before: read it below.
            }

            var found = await _table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
            if (found.HasValue && found.Value is { } existing)
            {
                return new SmsMarkClaim(ToMark(key, existing), Created: false);
            }

            if (round >= 3)
            {
                throw new InvalidOperationException($"The marker of SMS {key} keeps disappearing.");
            }
        }
    }

    public async Task<SmsMark> RetakeAsync(SmsMark mark, string recipient, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mark);
        var version = await UpdateAsync(mark, recipient, new() { [State] = nameof(SmsMarkState.Sending), [AttemptedAt] = now }, cancellationToken);
        return mark with { State = SmsMarkState.Sending, AttemptedAt = now, Version = version };
    }

    public async Task<SmsMark> RecordAsync(SmsMark mark, string recipient, SmsMarkState state, string? messageId, string? errorCode, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mark);
        var changes = new TableEntity { [State] = state.ToString() };
        if (messageId is not null)
        {
            changes[MessageId] = messageId;
        }

        if (errorCode is not null)
        {
            changes[ErrorCode] = errorCode;
        }

        if (reason is not null)
        {
            changes[Reason] = reason;
        }

        var version = await UpdateAsync(mark, recipient, changes, cancellationToken);
        return mark with
        {
            State = state,
            Version = version,
            MessageId = messageId ?? mark.MessageId,
            ErrorCode = errorCode ?? mark.ErrorCode,
            Reason = reason ?? mark.Reason,
        };
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await _storage.EnsureAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"CreatedAt lt {before}");
        var purged = 0;
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                await _table.DeleteEntityAsync(entity, ETag.All, cancellationToken);
                purged++;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Gone meanwhile.
            }
        }

        return purged;
    }

    /// <summary>
    /// A query on the Referral column: the table is keyed by message, so this reads it through (server side, ids only).
    /// It runs once per erasure, never per SMS. Marks written before the column existed are not found.
    /// </summary>
    public async Task<IReadOnlyList<string>> MessageIdsOfAsync(string referralKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(referralKey);
        await _storage.EnsureAsync(cancellationToken);
        var ids = new List<string>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Referral eq {referralKey}"), select: [MessageId], cancellationToken: cancellationToken))
        {
            if (entity.GetString(MessageId) is { Length: > 0 } id)
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private async Task<string> UpdateAsync(SmsMark mark, string recipient, TableEntity changes, CancellationToken cancellationToken)
    {
        var (partition, row) = Keys(mark.Key, recipient);
        changes.PartitionKey = partition;
        changes.RowKey = row;
        await _storage.EnsureAsync(cancellationToken);
        try
        {
            return VersionOf(await _table.UpdateEntityAsync(changes, new ETag(mark.Version), TableUpdateMode.Merge, cancellationToken));
        }
        catch (RequestFailedException e) when (TableErrors.IsLostRace(e))
        {
            throw new ConcurrencyConflictException($"The marker of SMS {mark.Key} was changed by another attempt.", e);
        }
    }

    private (string Partition, string Row) Keys(string key, string recipient)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        return (TableKeys.Safe(key), _keys.For(recipient));
    }

    private static string VersionOf(Response response) =>
        response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("The Table service answered a write without an ETag.");

    private static SmsMark ToMark(string key, TableEntity entity)
    {
        var state = Enum.TryParse<SmsMarkState>(entity.GetString(State), out var parsed) && Enum.IsDefined(parsed) ? parsed : SmsMarkState.Sending;
        var first = entity.GetDateTimeOffset(FirstAttemptAt) ?? DateTimeOffset.MinValue;
        return new SmsMark(
            key,
            state,
            first,
            entity.GetDateTimeOffset(AttemptedAt) ?? first,
            entity.ETag.ToString(),
            entity.GetString(MessageId),
            entity.GetString(ErrorCode),
            entity.GetString(Reason));
    }
}
