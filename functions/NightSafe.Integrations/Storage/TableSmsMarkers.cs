using Azure;
using Azure.Data.Tables;
using NightSafe.Core.Ports;
using NightSafe.Core.Sms;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// The at-most-once marks, one row per (message key, recipient); the first insert wins and every later change is
/// guarded by the row's ETag, so of two attempts at the same send exactly one owns it. Numbers are never keys:
/// recipients are <see cref="PhoneKeys.For"/> of the number.
/// <para>
/// A referral's messages (their key names it, <see cref="SmsKeys.ReferralOf"/>) are marked in the SmsMarks table,
/// PartitionKey the referral's night, RowKey the message key and the recipient's key: a night's marks share a partition,
/// so the marks made at the same moment (routing's advice and case alerts, and under load every referral's) go out
/// together as one request (<see cref="PartitionTransactions"/>). Other messages (a night's summary) stay in the
/// OutboundSms table, PartitionKey the key (hashed when it cannot be one), RowKey the recipient's key; a referral's
/// messages were marked there too before SmsMarks. A mark of a night that OutboundSms still has marks of is looked for
/// there first and moved to SmsMarks, so a send marked before the upgrade is still seen as marked after it and never
/// sent twice (<see cref="LegacyNights"/>); a marker written under its pre-pepper key is moved the same way
/// (<see cref="LegacyPhoneRows"/>).
/// </para>
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

    /// <summary>How long "OutboundSms has no marks of this night" is trusted before it is asked again.</summary>
    public static readonly TimeSpan LegacyNights = TimeSpan.FromMinutes(10);

    private readonly TableClient _table;
    private readonly TableClient _nights;
    private readonly PartitionTransactions _transactions;
    private readonly StorageInitializer _storage;
    private readonly TimeProvider _time;
    private readonly PhoneKeys _keys;
    private readonly LegacyPhoneRows _legacy;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Task<bool> Check, DateTimeOffset At)> _legacyNights = new(StringComparer.Ordinal);

    public TableSmsMarkers(TableServiceClient tables, StorageInitializer storage, TimeProvider time, PhoneKeys keys, LegacyPhoneRows legacy, StorageTransactionOptions? transactions = null)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.OutboundSmsTable);
        _nights = tables.GetTableClient(StorageNames.SmsMarksTable);
        _transactions = new PartitionTransactions(_nights, (transactions ?? new StorageTransactionOptions()).InFlight);
        _storage = storage;
        _time = time;
        _keys = keys;
        _legacy = legacy;
    }

    public async Task<SmsMarkClaim> BeginAsync(string key, string recipient, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (table, partition, row) = Keys(key, recipient);
        await _storage.EnsureAsync(cancellationToken);
        if (table == _nights)
        {
            if (await MayHoldNightAsync(partition, cancellationToken))
            {
                await MoveFromOutboundSmsAsync(key, recipient, partition, row, cancellationToken);
            }
        }
        else if (await _legacy.MayExistAsync(_table, partition: null, cancellationToken))
        {
            // Markers there are partitioned by message, so whether old keys remain is asked of the whole table, once.
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

                var added = table == _nights
                    ? (await _transactions.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, entity)], cancellationToken))[0]
                    : await _table.AddEntityAsync(entity, cancellationToken);
                return new SmsMarkClaim(new SmsMark(key, SmsMarkState.Sending, now, now, VersionOf(added)), Created: true);
            }
            catch (RequestFailedException e) when (TableErrors.IsConflict(e))
            {
                // Marked before: read it below.
            }

            var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
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
        foreach (var table in new[] { _table, _nights })
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                try
                {
                    await table.DeleteEntityAsync(entity, ETag.All, cancellationToken);
                    purged++;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    // Gone meanwhile.
                }
            }
        }

        return purged;
    }

    /// <summary>
    /// A query on the Referral column: in SmsMarks within the referral's night; in OutboundSms, keyed by message, it
    /// reads the table through (server side, ids only). It runs once per erasure, never per SMS. Marks written before
    /// the column existed are not found.
    /// </summary>
    public async Task<IReadOnlyList<string>> MessageIdsOfAsync(string referralKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(referralKey);
        await _storage.EnsureAsync(cancellationToken);
        var ids = new List<string>();
        var night = referralKey.Split('/')[0];
        var queries = new[]
        {
            (_nights, TableClient.CreateQueryFilter($"PartitionKey eq {night} and Referral eq {referralKey}")),
            (_table, TableClient.CreateQueryFilter($"Referral eq {referralKey}")),
        };
        foreach (var (table, filter) in queries)
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: [MessageId], cancellationToken: cancellationToken))
            {
                if (entity.GetString(MessageId) is { Length: > 0 } id)
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    /// <summary>
    /// Whether OutboundSms may still hold marks of <paramref name="night"/>'s messages (from before SmsMarks): asked of
    /// it (a query on the Referral column, one row at most) once per night, and again after <see cref="LegacyNights"/>
    /// while the answer is no, since an instance of the earlier version may still be running while this one starts.
    /// </summary>
    private async Task<bool> MayHoldNightAsync(string night, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var entry = _legacyNights.AddOrUpdate(
            night,
            _ => (AnyOfNightAsync(night), now),
            (_, old) => old.Check.IsFaulted || old.Check.IsCanceled || (old.Check is { IsCompletedSuccessfully: true, Result: false } && now - old.At >= LegacyNights)
                ? (AnyOfNightAsync(night), now)
                : old);
        return await entry.Check.WaitAsync(cancellationToken);
    }

    private async Task<bool> AnyOfNightAsync(string night)
    {
        // Referral is "night/reference": the night's are those from "night/" up to (not including) "night0".
        var filter = TableClient.CreateQueryFilter($"Referral ge {night + "/"} and Referral lt {night + "0"}");
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"]).AsPages())
        {
            if (page.Values.Count > 0)
            {
                return true;
            }

            if (page.ContinuationToken is null)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>
    /// Moves the mark of (<paramref name="key"/>, <paramref name="recipient"/>) from OutboundSms, when it is there, to
    /// SmsMarks (its state, times and outcome as they were). Two tables cannot share a transaction: the copy goes
    /// first, so a move cut short leaves the mark in both, and SmsMarks' copy is the one read; a copy that finds a
    /// mark in SmsMarks already leaves that one, which is newer.
    /// </summary>
    private async Task MoveFromOutboundSmsAsync(string key, string recipient, string night, string row, CancellationToken cancellationToken)
    {
        var partition = TableKeys.Safe(key);
        var phone = _keys.For(recipient);
        if (await _legacy.MayExistAsync(_table, partition: null, cancellationToken))
        {
            await LegacyPhoneRows.MoveAsync(_table, partition, PhoneKeys.Legacy(recipient), phone, cancellationToken);
        }

        var found = await _table.GetEntityIfExistsAsync<TableEntity>(partition, phone, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } old)
        {
            return;
        }

        try
        {
            await _nights.AddEntityAsync(LegacyPhoneRows.CopyOf(old, night, row), cancellationToken);
        }
        catch (RequestFailedException e) when (TableErrors.IsConflict(e))
        {
            // Moved by another attempt, or marked here since: this one is the mark.
        }

        try
        {
            await _table.DeleteEntityAsync(old, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Deleted by another attempt's move.
        }
    }

    private async Task<string> UpdateAsync(SmsMark mark, string recipient, TableEntity changes, CancellationToken cancellationToken)
    {
        var (table, partition, row) = Keys(mark.Key, recipient);
        changes.PartitionKey = partition;
        changes.RowKey = row;
        await _storage.EnsureAsync(cancellationToken);
        try
        {
            return table == _nights
                ? VersionOf((await _transactions.SubmitAsync([new TableTransactionAction(TableTransactionActionType.UpdateMerge, changes, new ETag(mark.Version))], cancellationToken))[0])
                : VersionOf(await _table.UpdateEntityAsync(changes, new ETag(mark.Version), TableUpdateMode.Merge, cancellationToken));
        }
        catch (RequestFailedException e) when (TableErrors.IsLostRace(e))
        {
            throw new ConcurrencyConflictException($"The marker of SMS {mark.Key} was changed by another attempt.", e);
        }
    }

    /// <summary>Where the mark of (<paramref name="key"/>, <paramref name="recipient"/>) lives: a referral's night in SmsMarks, or OutboundSms.</summary>
    private (TableClient Table, string Partition, string Row) Keys(string key, string recipient)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(recipient);
        return SmsKeys.ReferralOf(key) is { } referral
            ? (_nights, referral[..referral.IndexOf('/', StringComparison.Ordinal)], TableKeys.Safe(key) + "|" + _keys.For(recipient))
            : (_table, TableKeys.Safe(key), _keys.For(recipient));
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
