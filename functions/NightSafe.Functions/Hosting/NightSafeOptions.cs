using System.ComponentModel.DataAnnotations;

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
