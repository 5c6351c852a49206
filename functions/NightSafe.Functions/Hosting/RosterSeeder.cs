using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Ports;
using NightSafe.Core.World;

namespace NightSafe.Functions.Hosting;

/// <summary>Development only: puts routing.json's officer roster seed into the Officers table at start-up.</summary>
public sealed partial class RosterSeeder(IOfficerRoster roster, RoutingWorld world, ILogger<RosterSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var officer in world.OfficerRosterSeed)
        {
            await roster.UpsertAsync(new Officer(officer.Phone, officer.Name, officer.Collar, officer.Town), cancellationToken);
        }

        LogSeeded(world.OfficerRosterSeed.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Officer roster seeded with {Count} officers from routing.json")]
    private partial void LogSeeded(int count);
}
