using NightSafe.LocalStack;

namespace NightSafe.Integrations.Tests;

/// <summary>One Azurite per test class collection, on free ports, stopped afterwards.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public string ConnectionString => (_server ?? throw new InvalidOperationException("Azurite is not started.")).ConnectionString;

    /// <summary>The mends Azurite said it applied (<see cref="AzuriteServer.Mended"/>).</summary>
    public IReadOnlyCollection<string> Mended => (_server ?? throw new InvalidOperationException("Azurite is not started.")).Mended;

    public async Task InitializeAsync() => _server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteGroup : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
