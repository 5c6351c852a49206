using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Functions.Operations;
using NightSafe.Functions.Tests.Doubles;
using NightSafe.LocalStack;

namespace NightSafe.Functions.Tests.Operations;

[Collection(LocalHubGroup.Name)]
public sealed class HealthApiTests(LocalHub hub)
{
    [Fact]
    public async Task Health_is_200_with_every_dependency_ok_and_no_data()
    {
        var (status, body) = await CallAsync(hub.Services);

        Assert.Equal(HttpStatusCode.OK, status);
        var health = JsonDocument.Parse(body).RootElement;
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal(["queues", "serviceBus", "tables"], health.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(health.GetProperty("checks").EnumerateObject(), c => Assert.Equal("ok", c.Value.GetProperty("status").GetString()));
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_is_503_naming_storage_when_storage_is_stopped()
    {
        var azurite = await AzuriteServer.StartAsync();
        var settings = hub.Settings();
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["NightSafe:SeedRoster"] = "false";
        using var host = hub.Build(settings);
        await host.StartAsync();
        var (before, _) = await CallAsync(host.Services);

        await azurite.DisposeAsync();
        var (after, body) = await CallAsync(host.Services);
        await host.StopAsync();

        Assert.Equal(HttpStatusCode.OK, before);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after);
        var checks = JsonDocument.Parse(body).RootElement.GetProperty("checks");
        Assert.Equal("down", checks.GetProperty("tables").GetProperty("status").GetString());
        Assert.Equal("down", checks.GetProperty("queues").GetProperty("status").GetString());
        Assert.Equal("ok", checks.GetProperty("serviceBus").GetProperty("status").GetString());
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    private static Task<(HttpStatusCode Status, string Body)> CallAsync(IServiceProvider services)
    {
        var context = new TestFunctionContext(services);
        var request = new TestHttpRequestData(context, "GET", new Uri("http://127.0.0.1/api/health"));
        return ActivatorUtilities.CreateInstance<HealthApi>(services).RunAsync(request, context).ReadAsync();
    }
}
