namespace NightSafe.Integrations.DependencyInjection;

/// <summary>
/// App Service resolves <c>@Microsoft.KeyVault(...)</c> app settings when the app starts; when it cannot (no access,
/// a wrong name, a deleted secret) the app receives the reference itself as the value. Used as a secret, that literal
/// would be a guessable key, so a setting still holding one stops the start instead.
/// </summary>
public static class KeyVaultReferences
{
    private const string Prefix = "@Microsoft.KeyVault(";

    public static bool IsUnresolved(string? value) =>
        value is not null && value.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The start-up failure naming the setting (never its value).</summary>
    public static string Failure(string setting) =>
        $"{setting} is an unresolved Key Vault reference: App Service could not read the secret (check the app's access to the vault and the secret's name). NightSafe refuses to start with it.";
}
