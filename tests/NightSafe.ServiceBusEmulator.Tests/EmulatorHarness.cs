using Azure.Messaging.ServiceBus;

namespace NightSafe.ServiceBusEmulator.Tests;

/// <summary>A broker on a free port with a client for it; both stopped on dispose.</summary>
internal sealed class EmulatorHarness : IAsyncDisposable
{
    private EmulatorHarness(ServiceBusEmulatorServer broker, ServiceBusClient client)
    {
        Broker = broker;
        Client = client;
    }

    public ServiceBusEmulatorServer Broker { get; }

    public ServiceBusClient Client { get; }

    public static async Task<EmulatorHarness> StartAsync(EmulatorTopology topology, string? key = null)
    {
        var broker = await ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions { Port = 0, Topology = topology });
        var connectionString = key is null ? broker.ConnectionString : broker.ConnectionString.Replace(ServiceBusEmulatorOptions.DefaultKey, key, StringComparison.Ordinal);
        var client = new ServiceBusClient(connectionString, new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(100), TryTimeout = TimeSpan.FromSeconds(10) },
        });
        return new EmulatorHarness(broker, client);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Broker.DisposeAsync();
    }
}

internal static class Eventually
{
    /// <summary>How often a condition is checked; the wait itself ends when the condition holds.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes; true when it held.</summary>
    public static async Task<bool> HoldsAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(PollInterval);
        }

        return true;
    }
}
