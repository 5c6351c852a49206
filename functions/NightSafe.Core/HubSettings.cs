using NightSafe.Core.World;
namespace NightSafe.Core;

/// <summary>Settings the application services need, validated by the app at start-up.</summary>
/// <param name="PublicBaseUrl">The public address Twilio calls (and signs), e.g. https://nightsafe.example.net/.</param>
/// <param name="RetentionDays">Nights older than this lose their personal data.</param>
/// <param name="AcknowledgeWithin">When set, every priority's acknowledgement deadline (tests and the demo use seconds).</param>
public sealed record HubSettings(Uri PublicBaseUrl, int RetentionDays = 31, TimeSpan? AcknowledgeWithin = null)
{
    /// <summary>Where Twilio reports delivery of an advice SMS; the query names the referral.</summary>
    public Uri SmsStatusCallback(string night, string reference) =>
        new(PublicBaseUrl, $"api/sms/status?night={Uri.EscapeDataString(night)}&ref={Uri.EscapeDataString(reference)}");
}

/// <summary>Who did something, as written in the audit trail.</summary>
public static class Actors
{
    public const string System = "system";
    public const string ControlRoom = "control-room";

    /// <summary>The SMS provider, reporting delivery (the value is the trail's historic name for it).</summary>
    public const string SmsProvider = "twilio";

    public static string Officer(string collar) => "officer:" + collar;

    public static string Partner(AgencyId agencyId) => "partner:" + agencyId;

    public static string ExternalSystem(string name) => "system:" + name;
}
