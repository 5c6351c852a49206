using NightSafe.Infra.Tests.Snapshots;

namespace NightSafe.Infra.Tests;

/// <summary>
/// Partner principals get Data Receiver on their own agency's subscriptions only; and an agency added to
/// routing.json gets its subscriptions and partner key setting without touching the Bicep.
/// </summary>
[Collection(PartnerSnapshotGroup.Name)]
public sealed class PartnerAccessTests(PartnerSnapshotFixture fixture)
{
    private readonly DeploymentSnapshot _snapshot = fixture.Snapshot;

    [Fact]
    public void Each_partner_receives_from_its_own_agencys_cases_and_summaries_subscriptions_only()
    {
        var receiverRole = TestDeployment.RoleDefinitionId(BuiltInRoles.ServiceBusDataReceiver);
        var partnerIds = PartnerSnapshotFixture.Partners.Select(p => p.PrincipalId).ToHashSet();
        var receivers = _snapshot.OfType(ResourceTypes.RoleAssignment)
            .Where(a => a.Property("roleDefinitionId") == receiverRole && partnerIds.Contains(a.Property("principalId")))
            .ToList();
        var ns = _snapshot.Only(ResourceTypes.ServiceBusNamespace).Id;

        Assert.Equal(2 * PartnerSnapshotFixture.Partners.Count, receivers.Count);
        foreach (var (agencyId, principalId, principalType) in PartnerSnapshotFixture.Partners)
        {
            var scopes = receivers.Where(a => a.Property("principalId") == principalId).Select(a => a.Scope).Order(StringComparer.Ordinal);
            Assert.Equal([$"{ns}/topics/cases/subscriptions/{agencyId}", $"{ns}/topics/summaries/subscriptions/{agencyId}"], scopes);
            Assert.All(
                receivers.Where(a => a.Property("principalId") == principalId),
                a => Assert.Equal(principalType ?? "ServicePrincipal", a.Property("principalType")));
        }
    }

    [Fact]
    public void Partners_get_nothing_on_the_namespace_topics_storage_or_vault()
    {
        var partnerIds = PartnerSnapshotFixture.Partners.Select(p => p.PrincipalId).ToHashSet();

        var granted = _snapshot.OfType(ResourceTypes.RoleAssignment).Where(a => partnerIds.Contains(a.Property("principalId")));

        Assert.All(granted, a => Assert.Contains("/subscriptions/", a.Scope[TestDeployment.ResourceGroupId.Length..], StringComparison.Ordinal));
    }

    [Fact]
    public void Every_subscription_a_partner_is_granted_exists_in_the_deployment()
    {
        var subscriptions = _snapshot.OfType(ResourceTypes.Subscription).Select(s => s.Id).ToHashSet();
        var partnerIds = PartnerSnapshotFixture.Partners.Select(p => p.PrincipalId).ToHashSet();

        var scopes = _snapshot.OfType(ResourceTypes.RoleAssignment).Where(a => partnerIds.Contains(a.Property("principalId"))).Select(a => a.Scope).ToList();

        Assert.NotEmpty(scopes);
        Assert.All(scopes, scope => Assert.Contains(scope, subscriptions));
    }

    [Fact]
    public void An_agency_added_to_routing_json_gets_subscriptions_rules_and_a_partner_key_setting()
    {
        const string added = PartnerSnapshotFixture.AddedAgencyId;
        var index = fixture.AgencyIds.ToList().IndexOf(added);
        var settings = Assert.Single(_snapshot.OfType(ResourceTypes.SiteConfig)).Properties;

        Assert.Equal(fixture.AgencyIds.Count - 1, index);
        foreach (var topic in new[] { "cases", "summaries" })
        {
            var subscription = Assert.Single(_snapshot.OfType(ResourceTypes.Subscription), s => s.Id.EndsWith($"/topics/{topic}/subscriptions/{added}", StringComparison.Ordinal));
            var rule = Assert.Single(_snapshot.OfType(ResourceTypes.Rule), r => r.Id.StartsWith(subscription.Id + "/rules/", StringComparison.Ordinal));
            Assert.Equal(added, rule.Properties.GetProperty("correlationFilter").GetProperty("properties").GetProperty("agency").GetString());
        }

        Assert.Equal(added, settings.GetProperty($"Partners__Keys__{index}__Agency").GetString());
        Assert.EndsWith($"SecretName=partner-key-sha256-{added})", settings.GetProperty($"Partners__Keys__{index}__Sha256").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_reach_the_settings_and_an_absent_operator_gets_no_role()
    {
        var settings = Assert.Single(_snapshot.OfType(ResourceTypes.SiteConfig)).Properties;

        Assert.Equal("14", settings.GetProperty("Retention__Days").GetString());
        Assert.DoesNotContain(
            _snapshot.OfType(ResourceTypes.RoleAssignment),
            a => a.Property("roleDefinitionId") == TestDeployment.RoleDefinitionId(BuiltInRoles.KeyVaultSecretsOfficer));
    }
}
