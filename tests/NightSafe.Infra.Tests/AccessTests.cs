using NightSafe.Infra.Tests.Snapshots;

namespace NightSafe.Infra.Tests;

/// <summary>Role assignments for the Function App's identity and the operator, by role definition id.</summary>
[Collection(MainSnapshotGroup.Name)]
public sealed class AccessTests(MainSnapshotFixture fixture)
{
    private readonly DeploymentSnapshot _snapshot = fixture.Snapshot;

    public static TheoryData<string, string> AppRoles => new()
    {
        { ResourceTypes.StorageAccount, BuiltInRoles.StorageBlobDataOwner },
        { ResourceTypes.StorageAccount, BuiltInRoles.StorageQueueDataContributor },
        { ResourceTypes.StorageAccount, BuiltInRoles.StorageTableDataContributor },
        { ResourceTypes.ServiceBusNamespace, BuiltInRoles.ServiceBusDataSender },
        { ResourceTypes.KeyVault, BuiltInRoles.KeyVaultSecretsUser },
        { ResourceTypes.ApplicationInsights, BuiltInRoles.MonitoringMetricsPublisher },
    };

    [Theory]
    [MemberData(nameof(AppRoles))]
    public void Function_app_identity_holds_the_role_on_the_resource(string scopeType, string roleId)
    {
        var scope = _snapshot.Only(scopeType).Id;
        var identity = $"reference('{_snapshot.Only(ResourceTypes.Site).Id}', '2024-04-01', 'full').identity.principalId";

        var assignment = Assert.Single(AppAssignments(), a => a.Scope == scope && a.Property("roleDefinitionId") == TestDeployment.RoleDefinitionId(roleId));
        Assert.Equal($"[{identity}]", assignment.Property("principalId"));
        Assert.Equal("ServicePrincipal", assignment.Property("principalType"));
    }

    [Fact]
    public void Function_app_identity_may_receive_from_the_cases_topic_only_to_drain_its_dead_letters()
    {
        var cases = $"{_snapshot.Only(ResourceTypes.ServiceBusNamespace).Id}/topics/cases";

        var receiving = AppAssignments().Where(a => a.Property("roleDefinitionId") == TestDeployment.RoleDefinitionId(BuiltInRoles.ServiceBusDataReceiver)).ToList();

        Assert.Equal(cases, Assert.Single(receiving).Scope);
        Assert.Contains(_snapshot.OfType(ResourceTypes.Topic), t => t.Id == cases);
    }

    [Fact]
    public void Function_app_identity_holds_no_other_role()
    {
        // The roles above, and Data Receiver on the cases topic.
        Assert.Equal(AppRoles.Count + 1, AppAssignments().Count);
    }

    [Fact]
    public void Operator_may_set_secrets_in_the_vault_and_nothing_else()
    {
        var operatorAssignments = _snapshot.OfType(ResourceTypes.RoleAssignment)
            .Where(a => a.Property("principalId") == TestDeployment.OperatorPrincipalId)
            .ToList();

        var assignment = Assert.Single(operatorAssignments);
        Assert.Equal(_snapshot.Only(ResourceTypes.KeyVault).Id, assignment.Scope);
        Assert.Equal(TestDeployment.RoleDefinitionId(BuiltInRoles.KeyVaultSecretsOfficer), assignment.Property("roleDefinitionId"));
    }

    [Fact]
    public void Without_partner_principals_nobody_but_the_app_may_receive_from_service_bus()
    {
        var app = AppAssignments().ToHashSet();

        Assert.DoesNotContain(
            _snapshot.OfType(ResourceTypes.RoleAssignment),
            a => !app.Contains(a) && a.Property("roleDefinitionId") == TestDeployment.RoleDefinitionId(BuiltInRoles.ServiceBusDataReceiver));
    }

    private List<PredictedResource> AppAssignments() =>
        _snapshot.OfType(ResourceTypes.RoleAssignment)
            .Where(a => a.Property("principalId").Contains(_snapshot.Only(ResourceTypes.Site).Id, StringComparison.Ordinal))
            .ToList();
}
