using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

internal sealed class InMemorySmsMarkers : ISmsMarkers
{
    private readonly Dictionary<(string Key, string To), (SmsMark Mark, int Version)> _marks = [];

    public IReadOnlyList<SmsMark> Marks { get { lock (_marks) { return _marks.Values.Select(m => m.Mark).ToList(); } } }

    /// <summary>The marks recorded as sent, with their recipient and the provider's message id.</summary>
    public IReadOnlyList<(string Key, string To, string MessageId)> Sent
    {
        get
        {
            lock (_marks)
            {
                return [.. _marks.Where(m => m.Value.Mark is { State: SmsMarkState.Sent, MessageId: not null }).Select(m => (m.Key.Key, m.Key.To, m.Value.Mark.MessageId!))];
            }
        }
    }

    /// <summary>Runs as each mark is begun (a test makes the storage account slow here).</summary>
    public Action? Beginning { get; set; }

    public Task<SmsMarkClaim> BeginAsync(string key, string recipient, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Beginning?.Invoke();
        lock (_marks)
        {
            if (_marks.TryGetValue((key, recipient), out var existing))
            {
                return Task.FromResult(new SmsMarkClaim(existing.Mark, Created: false));
            }

            var mark = new SmsMark(key, SmsMarkState.Sending, now, now, "1");
            _marks[(key, recipient)] = (mark, 1);
            return Task.FromResult(new SmsMarkClaim(mark, Created: true));
        }
    }

    public Task<SmsMark> RetakeAsync(SmsMark mark, string recipient, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(Update(mark, recipient, m => m with { State = SmsMarkState.Sending, AttemptedAt = now }));

    public Task<SmsMark> RecordAsync(SmsMark mark, string recipient, SmsMarkState state, string? messageId, string? errorCode, string? reason, CancellationToken cancellationToken) =>
        Task.FromResult(Update(mark, recipient, m => m with { State = state, MessageId = messageId ?? m.MessageId, ErrorCode = errorCode ?? m.ErrorCode, Reason = reason ?? m.Reason }));

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (_marks)
        {
            var old = _marks.Where(m => m.Value.Mark.FirstAttemptAt < before).Select(m => m.Key).ToList();
            old.ForEach(key => _marks.Remove(key));
            return Task.FromResult(old.Count);
        }
    }

    public Task<IReadOnlyList<string>> MessageIdsOfAsync(string referralKey, CancellationToken cancellationToken)
    {
        lock (_marks)
        {
            return Task.FromResult<IReadOnlyList<string>>(
                [.. _marks.Values.Select(m => m.Mark).Where(m => m.MessageId is not null && Core.Sms.SmsKeys.ReferralOf(m.Key) == referralKey).Select(m => m.MessageId!)]);
        }
    }

    private SmsMark Update(SmsMark mark, string recipient, Func<SmsMark, SmsMark> change)
    {
        lock (_marks)
        {
            var current = _marks[(mark.Key, recipient)];
            if (current.Mark.Version != mark.Version)
            {
                throw new ConcurrencyConflictException("mark changed");
            }

            var next = change(current.Mark) with { Version = (current.Version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            _marks[(mark.Key, recipient)] = (next, current.Version + 1);
            return next;
        }
    }
}
