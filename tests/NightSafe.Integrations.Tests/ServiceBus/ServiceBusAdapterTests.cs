using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Integrations.DependencyInjection;

namespace NightSafe.Integrations.Tests.ServiceBus;

/// <summary>What every test of a Service Bus adapter starts from: the adapters as the app wires them over the shared emulator, a one-minute deadline.</summary>
public abstract class ServiceBusAdapterTests : IAsyncLifetime, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    protected ServiceBusAdapterTests(ServiceBusEmulatorFixture emulator)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        Emulator = emulator;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ServiceBus:connectionString"] = emulator.Server.ConnectionString })
            .Build();
        Provider = new ServiceCollection().AddLogging().AddNightSafeServiceBus(configuration).BuildServiceProvider();
    }

    protected ServiceBusEmulatorFixture Emulator { get; }

    protected ServiceProvider Provider { get; }

    protected CancellationToken Ct => _timeout.Token;

    protected ServiceBusClient Client => Provider.GetRequiredService<ServiceBusClient>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Provider.DisposeAsync();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timeout.Dispose();
        }
    }
}
