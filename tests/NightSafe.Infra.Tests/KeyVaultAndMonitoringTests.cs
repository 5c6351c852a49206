using NightSafe.Infra.Tests.Snapshots;

namespace NightSafe.Infra.Tests;

/// <summary>Key Vault protection, and where logs and metrics go.</summary>
[Collection(MainSnapshotGroup.Name)]
public sealed class KeyVaultAndMonitoringTests(MainSnapshotFixture fixture)
{
    private readonly DeploymentSnapshot _snapshot = fixture.Snapshot;

    [Fact]
    public void Vault_uses_rbac_with_soft_delete_and_purge_protection()
    {
        var vault = _snapshot.Only(ResourceTypes.KeyVault);

        Assert.True(vault.Properties.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(vault.Properties.GetProperty("enableSoftDelete").GetBoolean());
        Assert.True(vault.Properties.GetProperty("enablePurgeProtection").GetBoolean());
        Assert.False(vault.Properties.TryGetProperty("accessPolicies", out var policies) && policies.GetArrayLength() > 0);
    }

    [Fact]
    public void No_secret_is_created_by_the_template()
    {
        Assert.DoesNotContain(_snapshot.Resources, r => r.Type.StartsWith(ResourceTypes.KeyVault + "/", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(ResourceTypes.Site)]
    [InlineData(ResourceTypes.ServiceBusNamespace)]
    [InlineData(ResourceTypes.KeyVault)]
    public void Resource_sends_logs_and_metrics_to_the_workspace(string type)
    {
        var target = _snapshot.Only(type).Id;

        var setting = Assert.Single(_snapshot.OfType(ResourceTypes.DiagnosticSetting), d => d.Scope == target);
        Assert.Equal(_snapshot.Only(ResourceTypes.Workspace).Id, setting.Property("workspaceId"));
        Assert.Contains(setting.Properties.GetProperty("logs").EnumerateArray(), l => l.GetProperty("enabled").GetBoolean());
        Assert.Contains(setting.Properties.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("category").GetString() == "AllMetrics");
    }

    [Fact]
    public void Application_insights_is_workspace_based()
    {
        var component = _snapshot.Only(ResourceTypes.ApplicationInsights);

        Assert.Equal(_snapshot.Only(ResourceTypes.Workspace).Id, component.Property("WorkspaceResourceId"));
    }
}
