using System.Diagnostics;

namespace NightSafe.Functions.Http;

/// <summary>
/// One trace per referral: an activity joined to the caller's W3C trace context, whose id travels on in the queue
/// message and the Service Bus messages.
/// </summary>
public static class Trace
{
    public const string SourceName = "NightSafe";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts a child of <paramref name="traceParent"/> (or of the current activity when it is missing or invalid).</summary>
    public static Activity? Start(string name, string? traceParent, ActivityKind kind = ActivityKind.Internal)
    {
        if (traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent))
        {
            return Source.StartActivity(name, kind, parent);
        }

        return Source.StartActivity(name, kind);
    }

    /// <summary>The id to hand on: the activity's W3C id, else the incoming one.</summary>
    public static string? Current(string? fallback) => Activity.Current?.Id ?? fallback;
}
