using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.DependencyInjection;
using NightSafe.Core.Routing;
using NightSafe.Core.Tests.Services;

namespace NightSafe.Core.Tests.DependencyInjection;

/// <summary>AddNightSafeCore registers every service once, as singletons, and the hub the service tests use is built from it.</summary>
public sealed class CoreRegistrationTests
{
    [Fact]
    public void Every_core_service_is_a_singleton_registered_once()
    {
        var services = new ServiceCollection().AddNightSafeCore();

        var byType = services.Where(d => d.ServiceType.Namespace?.StartsWith("NightSafe.Core", StringComparison.Ordinal) == true).GroupBy(d => d.ServiceType).ToList();

        Assert.NotEmpty(byType);
        Assert.All(byType, g => Assert.Single(g));
        Assert.All(byType.SelectMany(g => g), d => Assert.Equal(ServiceLifetime.Singleton, d.Lifetime));
        Assert.Contains(byType, g => g.Key == typeof(ReferralRouter));
    }

    [Fact]
    public void A_clock_registered_first_is_kept()
    {
        var hub = new Hub();

        Assert.Same(hub.Time, hub.Services.GetRequiredService<TimeProvider>());
        Assert.Same(hub.Router, hub.Services.GetRequiredService<ReferralRouter>());
    }
}
