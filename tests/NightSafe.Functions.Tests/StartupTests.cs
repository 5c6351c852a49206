using Microsoft.Extensions.Options;

namespace NightSafe.Functions.Tests;

[Collection(LocalHubGroup.Name)]
public sealed class StartupTests(LocalHub hub)
{
    [Theory]
    [InlineData("Twilio:AuthToken", "AuthToken")]
    [InlineData("Twilio:AccountSid", "AccountSid")]
    [InlineData("NightSafe:PublicBaseUrl", "PublicBaseUrl")]
    public async Task A_missing_setting_fails_the_start_with_a_message_naming_it(string setting, string named)
    {
        var settings = hub.Settings();
        settings.Remove(setting);
        using var host = hub.Build(settings);

        var failure = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_development_clock_is_refused_outside_development()
    {
        var settings = hub.Settings();
        settings["NightSafe:ClockStart"] = "2026-12-18T22:00:00";
        using var host = hub.Build(settings, environment: "Production");

        var failure = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("ClockStart", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Twilio:AuthToken", "@Microsoft.KeyVault(SecretUri=https://kv-nightsafe.vault.azure.net/secrets/twilio-auth-token/)", "Key Vault")]
    [InlineData("Twilio:AuthToken", "not-a-token", "AuthToken")]
    [InlineData("Twilio:AccountSid", "@Microsoft.KeyVault(VaultName=kv-nightsafe;SecretName=twilio-account-sid)", "Key Vault")]
    [InlineData("Partners:Keys:0:Sha256", "@Microsoft.KeyVault(SecretUri=https://kv-nightsafe.vault.azure.net/secrets/partner-key-sha256-x/)", "Key Vault")]
    [InlineData("Partners:Keys:0:Sha256", "abc123", "Sha256")]
    [InlineData("ControlRoom:KeySha256", "@Microsoft.KeyVault(SecretUri=https://kv-nightsafe.vault.azure.net/secrets/control-room-key-sha256/)", "Key Vault")]
    [InlineData("PhoneKeys:Pepper", "@Microsoft.KeyVault(VaultName=kv-nightsafe;SecretName=phone-key-pepper)", "PhoneKeys:Pepper is an unresolved Key Vault reference")]
    [InlineData("PhoneKeys:Pepper", "", "PhoneKeys:Pepper (app setting PhoneKeys__Pepper) is not set")]
    [InlineData("PhoneKeys:Pepper", "c2hvcnQ=", "PhoneKeys:Pepper must be base64")]
    public async Task An_unresolved_key_vault_reference_or_a_malformed_secret_refuses_to_start(string setting, string value, string named)
    {
        var settings = hub.Settings();
        settings[setting] = value;
        using var host = hub.Build(settings);

        var failure = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
