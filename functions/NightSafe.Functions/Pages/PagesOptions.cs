namespace NightSafe.Functions.Pages;

/// <summary>The pages' settings (section "Pages"; the signing key is a Key Vault reference in Azure).</summary>
public sealed class PagesOptions
{
    public const string Section = "Pages";

    /// <summary>Base64 of at least 32 random bytes: signs session cookies, CSRF tokens, local sign-in and case links.</summary>
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>
    /// Azure: App Service Authentication (Entra ID) sits in front of the app and strips <c>X-MS-CLIENT-PRINCIPAL</c>
    /// from clients' requests, so the app may trust it. Never set this where no such platform is in front.
    /// </summary>
    public bool PlatformAuthentication { get; set; }

    /// <summary>Development only: <c>/api/sign-in?t=</c> links (printed by <c>nightsafe up</c>) sign a person in.</summary>
    public bool LocalSignIn { get; set; }

    /// <summary>The Entra app role of the control room and duty inspectors.</summary>
    public string ControlRoomRole { get; set; } = "NightSafe.ControlRoom";

    /// <summary>An agency's app role is this prefix and its id from routing.json.</summary>
    public string AgencyRolePrefix { get; set; } = "NightSafe.Agency.";

    /// <summary>How long a signed-in session lasts without platform authentication (a case link: until its night ends).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(14);

    /// <summary>The key's bytes, or empty when the setting is missing or not base64.</summary>
    public byte[] KeyBytes()
    {
        var bytes = new byte[SigningKey.Length];
        return Convert.TryFromBase64String(SigningKey, bytes, out var written) ? bytes[..written] : [];
    }
}
