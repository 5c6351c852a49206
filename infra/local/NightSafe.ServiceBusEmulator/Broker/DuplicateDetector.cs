namespace NightSafe.ServiceBusEmulator.Broker;

/// <summary>Remembers message ids for the entity's window; not thread-safe (the entity's lock guards it).</summary>
internal sealed class DuplicateDetector(TimeSpan window)
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _order = new();

    /// <summary>True when <paramref name="messageId"/> was seen within the window; otherwise records it.</summary>
    public bool IsDuplicate(string? messageId, DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && now - oldest.At > window)
        {
            _order.Dequeue();
            if (_seen.TryGetValue(oldest.Id, out var at) && at == oldest.At)
            {
                _seen.Remove(oldest.Id);
            }
        }

        if (messageId is null)
        {
            return false;
        }

        if (_seen.ContainsKey(messageId))
        {
            return true;
        }

        _seen[messageId] = now;
        _order.Enqueue((messageId, now));
        return false;
    }
}
