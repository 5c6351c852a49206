using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using NightSafe.Integrations.DependencyInjection;

namespace NightSafe.Functions.Hosting;

/// <summary>The app's own settings (section "NightSafe").</summary>
public sealed class NightSafeOptions
{
    public const string Section = "NightSafe";

    /// <summary>The public address Twilio calls and signs (e.g. https://func-nightsafe.azurewebsites.net/).</summary>
    [Required(ErrorMessage = "NightSafe:PublicBaseUrl (app setting NightSafe__PublicBaseUrl) is required: the public https address Twilio signs webhooks against.")]
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>routing.json, relative to the app folder unless absolute.</summary>
    public string RoutingFile { get; set; } = "routing.json";

    /// <summary>Development only: upsert routing.json's officer roster seed into the Officers table at start-up.</summary>
    public bool SeedRoster { get; set; }

    /// <summary>
    /// Development only: the local (Europe/London) time the app's clock shows at start-up, then runs on from, so a demo
    /// can replay a Friday night at any hour. Refused outside the Development environment.
    /// </summary>
    public DateTime? ClockStart { get; set; }

    /// <summary>
    /// Development only, with <see cref="ClockStart"/>: the real UTC instant at which the clock shows ClockStart (default:
    /// when the app starts), so the offline dev host's timers and the app keep one clock to the second.
    /// </summary>
    public DateTimeOffset? ClockStartsAt { get; set; }

    /// <summary>
    /// Optional: every priority's acknowledgement deadline (e.g. "00:00:20"), in place of routing.json's minutes, so
    /// tests and the demo see reminders and escalations in seconds. Leave it out in production.
    /// </summary>
    public TimeSpan? AcknowledgeWithin { get; set; }
}

/// <summary>Retention of personal data (section "Retention").</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    [Range(1, 3650, ErrorMessage = "Retention:Days must be between 1 and 3650.")]
    public int Days { get; set; } = 31;
}

/// <summary>Partner agencies' API keys, as SHA-256 hashes (section "Partners"; Key Vault references in Azure).</summary>
public sealed class PartnersOptions
{
    public const string Section = "Partners";

    public IList<PartnerKeyOptions> Keys { get; } = [];
}

/// <summary>One agency's key hash: app settings Partners__Keys__{i}__Agency and Partners__Keys__{i}__Sha256.</summary>
public sealed class PartnerKeyOptions
{
    public string Agency { get; set; } = string.Empty;

    /// <summary>Lower-case hex SHA-256 of the agency's key.</summary>
    public string Sha256 { get; set; } = string.Empty;
}

/// <summary>The control room's access (section "ControlRoom"); see <see cref="Http.ControlRoomIdentity"/>.</summary>
public sealed class ControlRoomOptions
{
    public const string Section = "ControlRoom";

    /// <summary>
    /// Trust App Service Authentication's X-MS-CLIENT-PRINCIPAL-* headers (Entra ID sign-in). Set only where App Service
    /// Authentication is enabled, which strips those headers from client requests.
    /// </summary>
    public bool PlatformAuthentication { get; set; }

    /// <summary>Lower-case hex SHA-256 of the offline control-room key (header X-Control-Room-Key); unset: no key opens it.</summary>
    [RegularExpression("^[0-9a-fA-F]{64}$", ErrorMessage = "ControlRoom:KeySha256 must be 64 hex digits: the SHA-256 of the control-room key.")]
    public string? KeySha256 { get; set; }
}

/// <summary>
/// Every partner key setting must hold a key hash: a malformed hash or an unresolved Key Vault reference stops the start
/// (it was once dropped silently, leaving an agency locked out without a word).
/// </summary>
public sealed class PartnersOptionsValidator : IValidateOptions<PartnersOptions>
{
    public ValidateOptionsResult Validate(string? name, PartnersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            var setting = $"Partners:Keys:{i}:Sha256";
            if (KeyVaultReferences.IsUnresolved(key.Sha256) || KeyVaultReferences.IsUnresolved(key.Agency))
            {
                failures.Add(KeyVaultReferences.Failure($"Partners:Keys:{i}"));
            }
            else if (key.Sha256.Trim() is not { Length: 64 } hex || !hex.All(Uri.IsHexDigit))
            {
                failures.Add($"{setting} must be 64 hex digits: the SHA-256 of agency '{key.Agency}''s key.");
            }

            if (string.IsNullOrWhiteSpace(key.Agency))
            {
                failures.Add($"Partners:Keys:{i}:Agency is required: the agency id the key belongs to.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
