using NightSafe.Infra.Tests.Snapshots;

namespace NightSafe.Infra.Tests;

/// <summary>The storage account and the tables, queues and container created up front.</summary>
[Collection(MainSnapshotGroup.Name)]
public sealed class StorageTests(MainSnapshotFixture fixture)
{
    private readonly DeploymentSnapshot _snapshot = fixture.Snapshot;

    [Fact]
    public void Account_is_StorageV2_with_shared_keys_and_public_blobs_off_and_tls_1_2()
    {
        var account = _snapshot.Only(ResourceTypes.StorageAccount);

        Assert.Equal("StorageV2", account.Json.GetProperty("kind").GetString());
        Assert.False(account.Properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(account.Properties.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.True(account.Properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        Assert.Equal("TLS1_2", account.Property("minimumTlsVersion"));
    }

    [Fact]
    public void Tables_the_hub_uses_exist_up_front()
    {
        var tables = _snapshot.OfType(ResourceTypes.Table).Select(t => t.ShortName).Order(StringComparer.Ordinal);

        Assert.Equal(["InboundMessages", "Officers", "OptOuts", "OutboundSms", "Referrals", "SmsMarks", "Summaries"], tables);
    }

    [Fact]
    public void Work_queues_and_their_poison_queues_exist_up_front()
    {
        var queues = _snapshot.OfType(ResourceTypes.Queue).Select(q => q.ShortName).Order(StringComparer.Ordinal);

        Assert.Equal(["partner-loop", "partner-loop-poison", "referrals-inbound", "referrals-inbound-poison", "referrals-routing", "referrals-routing-poison", "sms-outbound", "sms-outbound-poison", "summaries-requests", "summaries-requests-poison"], queues);
    }

    [Fact]
    public void Deployment_package_container_is_private_and_is_where_the_app_deploys_from()
    {
        var container = _snapshot.Only(ResourceTypes.BlobContainer);
        var site = _snapshot.Only(ResourceTypes.Site);
        var storage = site.Properties.GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage");

        Assert.Equal("None", container.Property("publicAccess"));
        Assert.Equal("blobContainer", storage.GetProperty("type").GetString());
        Assert.Equal("SystemAssignedIdentity", storage.GetProperty("authentication").GetProperty("type").GetString());
        var value = storage.GetProperty("value").GetString()!;
        Assert.Contains(_snapshot.Only(ResourceTypes.StorageAccount).Id, value, StringComparison.Ordinal);
        Assert.Contains($"'{container.ShortName}'", value, StringComparison.Ordinal);
    }
}
