using System.Collections.Concurrent;
using NightSafe.Core.Intake;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

internal sealed class InMemoryConversations : IConversationStore
{
    private readonly ConcurrentDictionary<string, OfficerThread> _threads = new();

    public IReadOnlyDictionary<string, OfficerThread> Threads => _threads;

    public Task<OfficerThread?> FindAsync(string officerPhoneE164, CancellationToken cancellationToken) =>
        Task.FromResult(_threads.TryGetValue(officerPhoneE164, out var thread) ? thread : null);

    public Task SaveAsync(string officerPhoneE164, OfficerThread thread, CancellationToken cancellationToken)
    {
        _threads[officerPhoneE164] = thread;
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string officerPhoneE164, CancellationToken cancellationToken)
    {
        _threads.TryRemove(officerPhoneE164, out _);
        return Task.CompletedTask;
    }

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var purged = 0;
        foreach (var (phone, thread) in _threads)
        {
            if (!thread.IsLiveAt(now) && _threads.TryRemove(new KeyValuePair<string, OfficerThread>(phone, thread)))
            {
                purged++;
            }
        }

        return Task.FromResult(purged);
    }
}
