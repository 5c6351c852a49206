using System.Text.Json.Nodes;
using NightSafe.Infra.Tests.Bicep;

namespace NightSafe.Infra.Tests.Snapshots;

/// <summary>The made-up deployment target every snapshot is predicted for.</summary>
public static class TestDeployment
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string ResourceGroup = "rg-nightsafe-test";
    public const string Location = "uksouth";
    public const string EnvironmentName = "nightsafe-ci";

    /// <summary>Stands in for the signed-in operator azd passes as AZURE_PRINCIPAL_ID.</summary>
    public const string OperatorPrincipalId = "0a0a0a0a-0000-4000-8000-000000000001";

    public static string ResourceGroupId => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}";

    public static string RoleDefinitionId(string roleId) =>
        $"/subscriptions/{SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{roleId}";

    /// <summary>Runs <c>bicep snapshot</c> on <paramref name="parametersFile"/> (relative to infra/) and reads the result.</summary>
    public static async Task<DeploymentSnapshot> SnapshotAsync(
        InfraCopy copy, string parametersFile, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var run = await BicepCli.Locate().RunAsync(
            copy.Infra,
            ["snapshot", parametersFile, "--mode", "overwrite",
             "--subscription-id", SubscriptionId, "--resource-group", ResourceGroup, "--location", Location],
            environment);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep snapshot failed: {run}");
        }

        var snapshotFile = Path.Combine(copy.Infra, Path.ChangeExtension(parametersFile, ".snapshot.json"));
        return DeploymentSnapshot.Parse(await File.ReadAllTextAsync(snapshotFile));
    }
}

/// <summary>The deployment infra/main.bicepparam describes, with the checkout's routing.json.</summary>
public sealed class MainSnapshotFixture : IAsyncLifetime
{
    private DeploymentSnapshot? _snapshot;

    public DeploymentSnapshot Snapshot => _snapshot ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>The agency ids of the checkout's routing.json, in file order.</summary>
    public IReadOnlyList<string> AgencyIds { get; private set; } = [];

    public async Task InitializeAsync()
    {
        using var copy = InfraCopy.Create();
        AgencyIds = RoutingFile.AgencyIds(await File.ReadAllTextAsync(copy.RoutingJson));
        _snapshot = await TestDeployment.SnapshotAsync(copy, "main.bicepparam", new Dictionary<string, string>
        {
            ["AZURE_ENV_NAME"] = TestDeployment.EnvironmentName,
            ["AZURE_PRINCIPAL_ID"] = TestDeployment.OperatorPrincipalId,
        });
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class MainSnapshotGroup : ICollectionFixture<MainSnapshotFixture>
{
    public const string Name = "main.bicepparam snapshot";
}

/// <summary>
/// A deployment with partner principals, and a routing.json with one agency added (and no operator), to show
/// that the topology and the partner grants follow the data.
/// </summary>
public sealed class PartnerSnapshotFixture : IAsyncLifetime
{
    public const string AddedAgencyId = "night-bus-essex";

    public static readonly IReadOnlyList<(string AgencyId, string PrincipalId, string? PrincipalType)> Partners =
    [
        ("street-pastors-chelmsford", "11111111-1111-4111-8111-111111111111", null),
        ("da-survivors-essex", "22222222-2222-4222-8222-222222222222", "Group"),
        (AddedAgencyId, "33333333-3333-4333-8333-333333333333", null),
    ];

    private DeploymentSnapshot? _snapshot;

    public DeploymentSnapshot Snapshot => _snapshot ?? throw new InvalidOperationException("Not initialised.");

    public IReadOnlyList<string> AgencyIds { get; private set; } = [];

    public async Task InitializeAsync()
    {
        using var checkout = InfraCopy.Create();
        var routing = RoutingFile.WithAgencyAdded(await File.ReadAllTextAsync(checkout.RoutingJson), AddedAgencyId);
        using var copy = InfraCopy.Create(routing);
        AgencyIds = RoutingFile.AgencyIds(routing);
        var partners = string.Join(
            Environment.NewLine,
            Partners.Select(p => p.PrincipalType is null
                ? $"  {{ agencyId: '{p.AgencyId}', principalId: '{p.PrincipalId}' }}"
                : $"  {{ agencyId: '{p.AgencyId}', principalId: '{p.PrincipalId}', principalType: '{p.PrincipalType}' }}"));
        await File.WriteAllTextAsync(Path.Combine(copy.Infra, "partners.bicepparam"), $"""
            using './main.bicep'

            param environmentName = 'nightsafe-partners'
            param retentionDays = 14
            param partnerPrincipals = [
            {partners}
            ]

            """);
        _snapshot = await TestDeployment.SnapshotAsync(copy, "partners.bicepparam", new Dictionary<string, string>());
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class PartnerSnapshotGroup : ICollectionFixture<PartnerSnapshotFixture>
{
    public const string Name = "partners snapshot";
}

/// <summary>Reads and edits routing.json the way the tests need, without depending on the hub's model.</summary>
public static class RoutingFile
{
    public static IReadOnlyList<string> AgencyIds(string routingJson) =>
        JsonNode.Parse(routingJson)!["agencies"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToList();

    public static IReadOnlyList<string> PhoneNumbers(string routingJson)
    {
        var root = JsonNode.Parse(routingJson)!;
        return root["agencies"]!.AsArray()
            .Concat(root["dutyInspectors"]!.AsArray())
            .Concat(root["officerRosterSeed"]!.AsArray())
            .Select(n => n!["phone"]?.GetValue<string>())
            .OfType<string>()
            .ToList();
    }

    /// <summary>routing.json with a copy of its first agency appended under <paramref name="agencyId"/>.</summary>
    public static string WithAgencyAdded(string routingJson, string agencyId)
    {
        var root = JsonNode.Parse(routingJson)!;
        var agencies = root["agencies"]!.AsArray();
        var added = agencies[0]!.DeepClone();
        added["id"] = agencyId;
        agencies.Add(added);
        return root.ToJsonString();
    }
}
