using NightSafe.Infra.Tests.Snapshots;

namespace NightSafe.Infra.Tests;

/// <summary>The Flex Consumption plan and the Function App on it.</summary>
[Collection(MainSnapshotGroup.Name)]
public sealed class FunctionAppTests(MainSnapshotFixture fixture)
{
    private readonly DeploymentSnapshot _snapshot = fixture.Snapshot;

    [Fact]
    public void Plan_is_flex_consumption_fc1_on_linux()
    {
        var plan = _snapshot.Only(ResourceTypes.Plan);
        var sku = plan.Json.GetProperty("sku");

        Assert.Equal("FC1", sku.GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", sku.GetProperty("tier").GetString());
        Assert.True(plan.Properties.GetProperty("reserved").GetBoolean());
        Assert.Equal(plan.Id, _snapshot.Only(ResourceTypes.Site).Property("serverFarmId"));
    }

    [Fact]
    public void App_runs_dotnet_isolated_10_with_a_system_assigned_identity()
    {
        var site = _snapshot.Only(ResourceTypes.Site);
        var runtime = site.Properties.GetProperty("functionAppConfig").GetProperty("runtime");

        Assert.Equal("functionapp,linux", site.Json.GetProperty("kind").GetString());
        Assert.Equal("SystemAssigned", site.Json.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
    }

    [Fact]
    public void App_is_https_only_with_tls_1_2_and_no_ftp_or_basic_publishing_credentials()
    {
        var site = _snapshot.Only(ResourceTypes.Site);
        var config = site.Properties.GetProperty("siteConfig");

        Assert.True(site.Properties.GetProperty("httpsOnly").GetBoolean());
        Assert.Equal("1.2", config.GetProperty("minTlsVersion").GetString());
        Assert.Equal("1.2", config.GetProperty("scmMinTlsVersion").GetString());
        Assert.Equal("Disabled", config.GetProperty("ftpsState").GetString());
        var policies = _snapshot.OfType(ResourceTypes.PublishingCredentialsPolicy);
        Assert.Equal(["ftp", "scm"], policies.Select(p => p.ShortName).Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.False(p.Properties.GetProperty("allow").GetBoolean()));
    }

    [Fact]
    public void App_carries_the_azd_service_tag_named_in_azure_yaml()
    {
        var site = _snapshot.Only(ResourceTypes.Site);
        var azureYaml = File.ReadAllLines(Path.Combine(NightSafe.LocalStack.RepositoryLayout.FindRoot(), "azure.yaml"));
        var service = site.Json.GetProperty("tags").GetProperty("azd-service-name").GetString();

        Assert.Equal("functions", service);
        var at = Array.FindIndex(azureYaml, line => line.TrimEnd() == $"  {service}:");
        Assert.True(at > 0, "azure.yaml has no service named " + service);
        var block = azureYaml.Skip(at + 1).TakeWhile(line => line.StartsWith("    ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.Contains("host: function", block);
        Assert.Contains("language: dotnet", block);
        Assert.Contains("project: ./functions/NightSafe.Functions", block);
    }
}
