using System.ComponentModel.DataAnnotations;

namespace PartnerConsumer;

/// <summary>
/// Configuration (section "Partner"): appsettings.json, environment variables (Partner__PartnerKey) or the command line.
/// In Azure set <see cref="ServiceBusNamespace"/> and run as an identity NightSafe granted Data Receiver on your
/// subscription; against the emulator (nightsafe up) set <see cref="ServiceBusConnectionString"/> instead.
/// </summary>
public sealed class ConsumerOptions
{
    public const string Section = "Partner";

    /// <summary>Your agency id in NightSafe's routing.json: your subscription's name and the agency property you expect.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]+(-[a-z0-9]+)*$")]
    public string Agency { get; set; } = string.Empty;

    /// <summary>The fully qualified namespace, e.g. sb-nightsafe-prod.servicebus.windows.net (Entra ID).</summary>
    public string? ServiceBusNamespace { get; set; }

    /// <summary>Only for the local emulator; never a production shared key.</summary>
    public string? ServiceBusConnectionString { get; set; }

    /// <summary>The hub's base URL, for reporting outcomes.</summary>
    [Required]
    public Uri? HubUrl { get; set; }

    /// <summary>Your agency's partner API key (keep it in a secret store or an environment variable).</summary>
    [Required]
    public string PartnerKey { get; set; } = string.Empty;

    /// <summary>The folder holding case.schema.json (default: schemas/ next to the program).</summary>
    public string SchemaFolder { get; set; } = Path.Combine(AppContext.BaseDirectory, "schemas");
}
