using NightSafe.LocalStack;
using NightSafe.ServiceBusEmulator;

namespace NightSafe.Integrations.Tests.ServiceBus;

/// <summary>The Service Bus emulator with routing.json's topology (one filtered subscription per agency), on a free port.</summary>
public sealed class ServiceBusEmulatorFixture : IAsyncLifetime
{
    private ServiceBusEmulatorServer? _server;

    public ServiceBusEmulatorServer Server => _server ?? throw new InvalidOperationException("The emulator is not started.");

    public IReadOnlyList<string> AgencyIds { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var json = await File.ReadAllTextAsync(RepositoryLayout.RoutingJson());
        var topology = EmulatorTopology.FromRoutingJson(json);
        AgencyIds = [.. topology.Topics.Single(t => t.Name == "cases").Subscriptions.Select(s => s.Name)];
        _server = await ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions { Port = 0, Topology = topology });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceBusEmulatorGroup : ICollectionFixture<ServiceBusEmulatorFixture>
{
    public const string Name = "Service Bus emulator";
}
