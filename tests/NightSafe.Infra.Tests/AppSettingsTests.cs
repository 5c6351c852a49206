using System.Text.RegularExpressions;
using NightSafe.Infra.Tests.Snapshots;

namespace NightSafe.Infra.Tests;

/// <summary>The Function App's settings: the contract the hub reads.</summary>
[Collection(MainSnapshotGroup.Name)]
public sealed partial class AppSettingsTests(MainSnapshotFixture fixture)
{
    private readonly DeploymentSnapshot _snapshot = fixture.Snapshot;

    private IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var config = Assert.Single(_snapshot.OfType(ResourceTypes.SiteConfig), c => c.ShortName == "appsettings");
            Assert.StartsWith(_snapshot.Only(ResourceTypes.Site).Id + "/", config.Id, StringComparison.Ordinal);
            return config.Properties.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        }
    }

    private string VaultName => _snapshot.Only(ResourceTypes.KeyVault).Name;

    [Theory]
    [InlineData("Twilio__AccountSid", "twilio-account-sid")]
    [InlineData("Twilio__AuthToken", "twilio-auth-token")]
    [InlineData("Twilio__From", "twilio-from")]
    public void Twilio_settings_are_key_vault_references_to_the_deployed_vault(string setting, string secret)
    {
        Assert.Equal($"@Microsoft.KeyVault(VaultName={VaultName};SecretName={secret})", Settings[setting]);
    }

    [Fact]
    public void Partner_keys_follow_routing_json_order_and_reference_their_hash_secrets()
    {
        var settings = Settings;
        var ids = fixture.AgencyIds;

        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal(ids[i], settings[$"Partners__Keys__{i}__Agency"]);
            Assert.Equal($"@Microsoft.KeyVault(VaultName={VaultName};SecretName=partner-key-sha256-{ids[i]})", settings[$"Partners__Keys__{i}__Sha256"]);
        }

        Assert.Equal(2 * ids.Count, settings.Keys.Count(k => k.StartsWith("Partners__", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_pages_sign_with_a_vault_secret_and_trust_no_platform_principal_without_entra_sign_in()
    {
        var settings = Settings;

        Assert.Equal($"@Microsoft.KeyVault(VaultName={VaultName};SecretName=pages-signing-key)", settings["Pages__SigningKey"]);
        // The example parameters leave Entra sign-in off, so X-MS-CLIENT-PRINCIPAL must not be trusted.
        Assert.Equal("false", settings["Pages__PlatformAuthentication"], ignoreCase: true);
        Assert.DoesNotContain("MICROSOFT_PROVIDER_AUTHENTICATION_SECRET", settings.Keys);
        Assert.DoesNotContain(_snapshot.OfType(ResourceTypes.SiteConfig), c => c.ShortName == "authsettingsV2");
    }

    [Fact]
    public void Setting_names_use_only_letters_digits_and_underscores()
    {
        Assert.All(Settings.Keys, name => Assert.Matches(SettingName(), name));
    }

    [Fact]
    public void Storage_and_service_bus_are_reached_by_identity_not_by_connection_string()
    {
        var settings = Settings;

        Assert.Equal(_snapshot.Only(ResourceTypes.StorageAccount).Name, settings["AzureWebJobsStorage__accountName"]);
        var serviceBus = settings["ServiceBus__fullyQualifiedNamespace"];
        Assert.Contains(_snapshot.Only(ResourceTypes.ServiceBusNamespace).Id, serviceBus, StringComparison.Ordinal);
        Assert.Contains(".serviceBusEndpoint", serviceBus, StringComparison.Ordinal);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.All(settings.Values, value =>
        {
            Assert.DoesNotContain("AccountKey=", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessKey", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listKeys(", value, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void Public_base_url_is_https_on_the_apps_default_host_name()
    {
        var url = Settings["NightSafe__PublicBaseUrl"];

        Assert.StartsWith("[format('https://{0}', reference('" + _snapshot.Only(ResourceTypes.Site).Id + "'", url, StringComparison.Ordinal);
        Assert.EndsWith(".defaultHostName)]", url, StringComparison.Ordinal);
    }

    [Fact]
    public void Retention_days_defaults_to_31()
    {
        Assert.Equal("31", Settings["Retention__Days"]);
    }

    [Fact]
    public void The_phone_key_pepper_is_a_key_vault_reference()
    {
        Assert.Equal($"@Microsoft.KeyVault(VaultName={VaultName};SecretName=phone-key-pepper)", Settings["PhoneKeys__Pepper"]);
    }

    [Fact]
    public void The_host_refuses_request_bodies_over_one_mebibyte_before_the_worker_reads_them()
    {
        // Above the roster import's 512 KiB, far below the Functions host's default of 100 MB.
        Assert.Equal("1048576", Settings["FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"]);
    }

    [Fact]
    public void Application_insights_connection_string_comes_from_the_component()
    {
        var value = Settings["APPLICATIONINSIGHTS_CONNECTION_STRING"];

        Assert.Equal($"[reference('{_snapshot.Only(ResourceTypes.ApplicationInsights).Id}', '2020-02-02').ConnectionString]", value);
        Assert.Equal("Authorization=AAD", Settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Fact]
    public void Settings_flex_consumption_rejects_are_absent()
    {
        // Flex Consumption takes the runtime from functionAppConfig and refuses these settings.
        foreach (var name in new[] { "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING" })
        {
            Assert.DoesNotContain(name, Settings.Keys);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex SettingName();
}
