using System.Globalization;
using System.Text;
using System.Text.Json;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Routing;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Partners;

/// <summary>Why a duty phone is texted about a case; with the case and the phone it is the alert's idempotency key.</summary>
public enum AlertReason
{
    /// <summary>The case was routed to the agency.</summary>
    New,

    /// <summary>Its first acknowledgement deadline passed unanswered.</summary>
    Reminder,

    /// <summary>Another agency did not take it on in time (or every agency declined): it came to the control room.</summary>
    Escalated,

    /// <summary>The referral was closed: nobody needs to go.</summary>
    Cancelled,
}

/// <summary>
/// The SMS texts of the partner loop. Every text is GSM-7 within <see cref="MaxSegments"/> segments. A case alert is
/// built only from the case's disclosed view (so only from the agency's <c>shares</c>), never carries the subject's
/// phone (that is for the partner desk) and always ends with how to answer, cutting free text to make room.
/// </summary>
public static class CaseAlertTexts
{
    public const int MaxSegments = 2;

    private const string Redacted = "[number]";

    /// <summary>
    /// The alert a duty phone of the case's agency receives; <paramref name="deskLink"/> (a signed case link,
    /// <c>Desk.CaseLinks</c>) goes at the end with the reply words, so it is never cut.
    /// </summary>
    public static string CaseAlert(PartnerCase @case, AlertReason reason, RoutingWorld world, string? why = null, Uri? deskLink = null)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(world);
        var view = CaseView.Read(@case.View, world);
        var reference = @case.Reference.ToString();
        var head = reason switch
        {
            AlertReason.Reminder => $"NightSafe REMINDER {reference} not accepted yet:",
            AlertReason.Escalated => $"NightSafe ESCALATED {reference}{(why is null ? string.Empty : $" ({Clean(why)})")}:",
            _ => $"NightSafe {reference}",
        };
        var facts = new List<string>();
        var what = string.Join(' ', new[] { view.Priority is Priority.Urgent or Priority.High ? view.Priority.ToString()!.ToUpperInvariant() : null, view.Categories }.Where(s => !string.IsNullOrEmpty(s)));
        if (what.Length > 0)
        {
            facts.Add(what);
        }

        var where = string.Join(' ', new[] { view.Town, view.LocalTime }.Where(s => !string.IsNullOrEmpty(s)));
        if (where.Length > 0)
        {
            facts.Add(where);
        }

        var officer = view.Officer is null ? null : "officer " + Clean(view.Officer);
        var tail = $". Reply ACC {reference} or DEC {reference}" + (deskLink is null ? string.Empty : $" or open {deskLink.AbsoluteUri}");
        return Fit(head, facts, view.Location, view.Description, officer, tail);
    }

    /// <summary>To a duty phone that had accepted a case the referral of which is now closed.</summary>
    public static string Cancellation(ReferenceCode reference, string closedBy) =>
        Fit($"NightSafe {reference} is CLOSED ({Clean(closedBy)}). No need to attend. Thank you.");

    /// <summary>
    /// To the duty phones of an agency whose open case the officer added to: which parts changed, in plain words, never
    /// their values (an SMS is not where the person's number or the officer's words travel twice).
    /// </summary>
    public static string Updated(ReferenceCode reference, CaseRefresh refresh)
    {
        ArgumentNullException.ThrowIfNull(refresh);
        var parts = new List<string>();
        if (refresh.Changed.Count > 0)
        {
            parts.Add("officer added " + string.Join(", ", refresh.Changed.Where(f => f != ReferralFields.LocationLink).Select(PlainName).Distinct()));
        }

        if (refresh.Withdrawn.Count > 0)
        {
            parts.Add("consent withdrawn: delete " + string.Join(", ", refresh.Withdrawn.Where(f => f != ReferralFields.LocationLink).Select(PlainName).Distinct()));
        }

        return Fit($"NightSafe {reference} UPDATE: {string.Join("; ", parts)}. See the case page or call the control room.");
    }

    private static string PlainName(string field) => field switch
    {
        ReferralFields.SubjectPhone => "the person's number",
        ReferralFields.Consent => "consent",
        ReferralFields.Description => "more details",
        ReferralFields.Location or ReferralFields.LocationLink => "location",
        _ => field,
    };

    /// <summary>To the control room when an agency let a case's first deadline pass.</summary>
    public static string ControlRoomReminder(PartnerCase @case, Agency agency, TimeSpan waited) =>
        Fit(string.Create(
            CultureInfo.InvariantCulture,
            $"NightSafe {@case.Reference}: {Clean(agency.Name)} has not accepted it after {Duration(waited)}. Reminded them; it comes to you if still unanswered at the next deadline."));

    /// <summary>A deadline in words: whole minutes ("10 min"), or seconds when shorter (tests and the demo use seconds).</summary>
    public static string Duration(TimeSpan span) =>
        span >= TimeSpan.FromMinutes(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s");

    /// <summary>To the town's duty inspector, once per referral: why it was escalated (no personal data).</summary>
    public static string InspectorEscalation(Referral referral, RoutingWorld world, string why)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(world);
        return Fit($"NightSafe ESCALATED {referral.Reference} ({Describe(referral, world)}): {Clean(why)}. Sent to the control room.");
    }

    /// <summary>To the town's duty inspector when an urgent referral comes in.</summary>
    public static string InspectorUrgent(Referral referral, RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentNullException.ThrowIfNull(world);
        return Fit($"NightSafe URGENT {referral.Reference}: {Describe(referral, world)}. Partners alerted; STATUS {referral.Reference} for updates.");
    }

    private static string Describe(Referral referral, RoutingWorld world)
    {
        var town = world.FindTown(referral.TownId)?.Name ?? referral.TownId.Value;
        var at = world.ToLocal(referral.ReceivedAt).ToString("HH:mm", CultureInfo.InvariantCulture);
        return Clean($"{string.Join('+', referral.Categories)}, {town} {at}");
    }

    // The head, facts and tail are kept whole; location, description and officer are cut (in that order of keeping) to fit.
    private static string Fit(string head, List<string> facts, string? location, string? description, string? officer, string tail)
    {
        var free = new[] { location, description, officer }.Select(s => s is null ? null : Clean(RedactPhones(s))).ToArray();
        string Build(string?[] parts)
        {
            var body = new StringBuilder(head);
            var pieces = facts.Concat(parts.Where(p => !string.IsNullOrWhiteSpace(p))!).ToList();
            if (pieces.Count > 0)
            {
                body.Append(' ').AppendJoin(", ", pieces);
            }

            return body.Append(tail).ToString();
        }

        var text = Build(free);
        // Cut the least needed part first: the officer, then the description, then the location.
        for (var i = free.Length - 1; i >= 0 && SmsText.Segments(text) > MaxSegments; i--)
        {
            if (free[i] is not { } part)
            {
                continue;
            }

            var longest = 0;
            for (int low = 0, high = part.Length; low <= high;)
            {
                var middle = (low + high) / 2;
                free[i] = Shorten(part, middle);
                if (SmsText.Segments(Build(free)) <= MaxSegments)
                {
                    longest = middle;
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            free[i] = longest == 0 ? null : Shorten(part, longest);
            text = Build(free);
        }

        return SmsText.Segments(text) <= MaxSegments ? text : SmsText.Truncate(text, MaxSegments);
    }

    private static string Fit(string text) => SmsText.Truncate(Clean(text), MaxSegments);

    private static string Shorten(string text, int length) =>
        length >= text.Length ? text : length < 4 ? string.Empty : text[..(length - 3)].TrimEnd(' ', ',', '.') + "...";

    /// <summary>GSM-7, on one line, no doubled spaces: officers' words may hold anything.</summary>
    private static string Clean(string text)
    {
        var gsm = SmsText.ToGsm7(text.Replace('\n', ' ').Replace('\r', ' '));
        return string.Join(' ', gsm.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string RedactPhones(string text)
    {
        var spans = PhoneFinder.Find(text).Where(s => s.LooksLikePhone).OrderByDescending(s => s.Start).ToList();
        var builder = new StringBuilder(text);
        foreach (var span in spans)
        {
            builder.Remove(span.Start, span.End - span.Start).Insert(span.Start, Redacted);
        }

        return builder.ToString();
    }

    /// <summary>What the case's disclosed JSON view holds, as the alert shows it; absent fields are null.</summary>
    private sealed record CaseView(Priority? Priority, string? Categories, string? Town, string? LocalTime, string? Location, string? Description, string? Officer)
    {
        public static CaseView Read(string json, RoutingWorld world)
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            Priority? priority = Text(ReferralFields.Priority) is { } p && Enum.TryParse<Priority>(p, ignoreCase: true, out var parsed) ? parsed : null;
            var categories = root.TryGetProperty(ReferralFields.Categories, out var cats) && cats.ValueKind == JsonValueKind.Array
                ? string.Join('+', cats.EnumerateArray().Select(c => c.GetString()).Where(c => !string.IsNullOrEmpty(c)))
                : null;
            var town = root.TryGetProperty(ReferralFields.Town, out var t) && t.ValueKind == JsonValueKind.Object && t.TryGetProperty("name", out var name) ? name.GetString() : null;
            var time = Text(ReferralFields.ReceivedAt) is { } received && DateTimeOffset.TryParse(received, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
                ? world.ToLocal(instant).ToString("HH:mm", CultureInfo.InvariantCulture)
                : null;
            return new CaseView(priority, categories, town, time, Text(ReferralFields.Location), Text(ReferralFields.Description), Text(ReferralFields.Officer));
        }
    }
}
