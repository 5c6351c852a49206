using System.Collections.Concurrent;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

internal sealed class InMemoryOptOuts : IOptOutRegistry
{
    private readonly ConcurrentDictionary<string, string> _numbers = new();

    public IReadOnlyCollection<string> Numbers => _numbers.Keys.ToList();

    public Task<bool> IsOptedOutAsync(string phoneE164, CancellationToken cancellationToken) => Task.FromResult(_numbers.ContainsKey(phoneE164));

    public Task OptOutAsync(string phoneE164, string reason, CancellationToken cancellationToken)
    {
        _numbers[phoneE164] = reason;
        return Task.CompletedTask;
    }

    public Task OptInAsync(string phoneE164, CancellationToken cancellationToken)
    {
        _numbers.TryRemove(phoneE164, out _);
        return Task.CompletedTask;
    }
}
