using NightSafe.Infra.Tests.Snapshots;

namespace NightSafe.Infra.Tests;

/// <summary>What a deployment prints: names and URLs, never a secret.</summary>
[Collection(MainSnapshotGroup.Name)]
public sealed class OutputsTests(MainSnapshotFixture fixture)
{
    private readonly DeploymentSnapshot _snapshot = fixture.Snapshot;

    [Fact]
    public void Outputs_are_the_host_name_webhook_urls_namespace_names_and_the_pages_app_roles()
    {
        Assert.Equal(
            ["FUNCTION_APP_HOST_NAME", "FUNCTION_APP_NAME", "KEY_VAULT_NAME", "NIGHT_BOARD_URL", "PAGES_APP_ROLES", "PAGES_CLIENT_ID", "SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE", "TWILIO_INBOUND_WEBHOOK_URL", "TWILIO_STATUS_CALLBACK_URL"],
            _snapshot.Outputs.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("TWILIO_INBOUND_WEBHOOK_URL", "/api/sms/inbound")]
    [InlineData("TWILIO_STATUS_CALLBACK_URL", "/api/sms/status")]
    [InlineData("NIGHT_BOARD_URL", "/api/board")]
    public void Twilio_webhook_urls_are_https_on_the_apps_host(string output, string path)
    {
        var value = _snapshot.Outputs[output].GetString()!;

        Assert.StartsWith($"[format('https://{{0}}{path}', reference('{_snapshot.Only(ResourceTypes.Site).Id}'", value, StringComparison.Ordinal);
        Assert.EndsWith(".defaultHostName)]", value, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_in_the_outputs_are_the_deployed_resources()
    {
        Assert.Equal(_snapshot.Only(ResourceTypes.Site).Name, _snapshot.Outputs["FUNCTION_APP_NAME"].GetString());
        Assert.Equal(_snapshot.Only(ResourceTypes.KeyVault).Name, _snapshot.Outputs["KEY_VAULT_NAME"].GetString());
        Assert.Contains(_snapshot.Only(ResourceTypes.ServiceBusNamespace).Id, _snapshot.Outputs["SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE"].GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public void No_output_carries_a_secret_or_connection_string()
    {
        foreach (var (name, value) in _snapshot.Outputs)
        {
            var text = value.ToString();
            foreach (var marker in new[] { "ConnectionString", "listKeys", "listSecrets", "AccountKey", "SharedAccessKey", "InstrumentationKey", "@Microsoft.KeyVault" })
            {
                Assert.False(text.Contains(marker, StringComparison.OrdinalIgnoreCase), $"{name} contains {marker}: {text}");
            }
        }
    }
}
