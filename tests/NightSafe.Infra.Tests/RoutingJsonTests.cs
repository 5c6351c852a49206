using System.Text.RegularExpressions;
using NightSafe.Infra.Tests.Snapshots;

namespace NightSafe.Infra.Tests;

/// <summary>routing.json's agency ids stay deployable: valid Service Bus subscription and Key Vault secret names.</summary>
public sealed partial class RoutingJsonTests
{
    private static IReadOnlyList<string> AgencyIds() =>
        RoutingFile.AgencyIds(File.ReadAllText(NightSafe.LocalStack.RepositoryLayout.RoutingJson()));

    [Fact]
    public void Agency_ids_are_unique_valid_subscription_names()
    {
        var ids = AgencyIds();

        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(ids, id => Assert.Matches(SubscriptionName(), id));
    }

    [Fact]
    public void Agency_ids_make_valid_key_vault_secret_names()
    {
        Assert.All(AgencyIds(), id => Assert.Matches(SecretName(), $"partner-key-sha256-{id}"));
    }

    // Service Bus subscription names: 1-50 letters, digits, '.', '-', '_', starting and ending with a letter or digit.
    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$")]
    private static partial Regex SubscriptionName();

    // Key Vault secret names: 1-127 letters, digits and dashes.
    [GeneratedRegex("^[A-Za-z0-9-]{1,127}$")]
    private static partial Regex SecretName();
}
