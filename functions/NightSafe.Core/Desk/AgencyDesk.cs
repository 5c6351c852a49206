using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Desk;

/// <summary>One disclosed field of a case, in the agency's view, labelled for a person.</summary>
public sealed record DeskField(string Name, string Label, string Value);

/// <summary>
/// A case as its agency's desk shows it: only what was disclosed to that agency (the stored view, limited to the
/// fields named in its disclosure), and where the case stands.
/// </summary>
public sealed record DeskCase(
    NightId Night,
    ReferenceCode Reference,
    string AgencyId,
    CaseStatus Status,
    DateTimeOffset DisclosedAt,
    string LocalTime,
    string Town,
    IReadOnlyList<string> Categories,
    string Priority,
    IReadOnlyList<DeskField> Fields)
{
    public bool IsOpen => Status is CaseStatus.Sent or CaseStatus.Accepted or CaseStatus.Attended;

    /// <summary>How late an unanswered case is: reminded at its first deadline, or escalated at its second.</summary>
    public DeskLateness Lateness { get; init; }

    /// <summary>The local time ("HH:mm") the case was reminded or escalated; null when on time.</summary>
    public string? LateSince { get; init; }
}

/// <summary>Where an unanswered case stands against its acknowledgement deadlines.</summary>
public enum DeskLateness
{
    OnTime,

    /// <summary>Unanswered at its first deadline: the hub reminded the agency.</summary>
    Reminded,

    /// <summary>Unanswered at its second deadline: the case went to the control room (the agency may still take it on).</summary>
    Escalated,
}

/// <summary>Whether a signed case link may still open its case.</summary>
public enum CaseLinkState
{
    Open,

    /// <summary>No such case for that agency.</summary>
    Unknown,

    /// <summary>The case or its referral is closed: the link no longer signs anyone in.</summary>
    Closed,

    /// <summary>The referral's personal data is erased.</summary>
    Erased,
}

/// <summary>
/// The partner desk's reads. The list shows what is needed to pick a case (time, town, categories, priority, status);
/// opening a case shows its whole minimised view and is recorded as a consultation naming the person.
/// </summary>
public sealed partial class AgencyDesk(IReferralStore store, RoutingWorld world, TimeProvider time, ILogger<AgencyDesk> logger)
{
    /// <summary>Labels for the referral fields, in the order a desk shows them.</summary>
    private static readonly (string Field, string Label)[] Labels =
    [
        (ReferralFields.Reference, "Reference"),
        (ReferralFields.ReceivedAt, "Received"),
        (ReferralFields.Town, "Town"),
        (ReferralFields.Categories, "Concerns"),
        (ReferralFields.Priority, "Priority"),
        (ReferralFields.Location, "Location"),
        (ReferralFields.Description, "Description"),
        (ReferralFields.SubjectPhone, "Phone"),
        (ReferralFields.Consent, "Consent"),
        (ReferralFields.Officer, "Officer"),
        (ReferralFields.Night, "Night"),
    ];

    /// <summary>The agency's cases of tonight and last night: open ones first (the latest to be answered at the top), then the most recent.</summary>
    public async Task<IReadOnlyList<DeskCase>> ListAsync(AgencyId agencyId, CancellationToken cancellationToken)
    {
        var tonight = NightId.For(time.GetUtcNow(), world);
        var cases = new List<PartnerCase>();
        foreach (var night in new[] { tonight, tonight.Previous })
        {
            cases.AddRange(await store.AgencysCasesAsync(night, agencyId, cancellationToken));
        }

        return [.. cases
            .Select(View)
            .OrderByDescending(c => c.IsOpen)
            .ThenByDescending(c => c.Lateness)
            .ThenByDescending(c => c.DisclosedAt)];
    }

    /// <summary>
    /// One case of the agency, recorded as a consultation by <paramref name="by"/>; null (and the attempt recorded on
    /// the referral, if it exists) when the case was not routed to the agency.
    /// </summary>
    public async Task<DeskCase?> OpenAsync(AgencyId agencyId, NightId night, ReferenceCode reference, string by, CancellationToken cancellationToken)
    {
        var found = await store.AgencysCaseAsync(night, reference, agencyId, cancellationToken);
        var now = time.GetUtcNow();
        if (found is null)
        {
            LogRefused(night, reference, agencyId.Value);
            if (await store.FindAsync(night, reference, cancellationToken) is not null)
            {
                await store.AppendAsync(
                    night,
                    reference,
                    [ReferralEvent.Of(now, ReferralEventKinds.ConsultationRefused, Actors.Partner(agencyId), (ReferralEventData.Agency, agencyId.Value), (ReferralEventData.Reason, "partner desk: case not routed to this agency"))],
                    cancellationToken);
            }

            return null;
        }

        await store.AppendAsync(
            night,
            reference,
            [ReferralEvent.Of(now, ReferralEventKinds.Consulted, Actors.Partner(agencyId) + ":" + by, (ReferralEventData.Agency, agencyId.Value), (ReferralEventData.Reason, "partner desk"))],
            cancellationToken);
        LogOpened(night, reference, agencyId.Value);
        return View(found.Value);
    }

    /// <summary>Whether a case link for this case may still sign someone in (two point reads).</summary>
    public async Task<CaseLinkState> LinkStateAsync(AgencyId agencyId, NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        var found = await store.AgencysCaseAsync(night, reference, agencyId, cancellationToken);
        if (found is null)
        {
            return CaseLinkState.Unknown;
        }

        var referral = await store.FindAsync(night, reference, cancellationToken);
        return referral?.Value switch
        {
            null => CaseLinkState.Unknown,
            { ErasedAt: not null } => CaseLinkState.Erased,
            { Status: ReferralStatus.Closed } => CaseLinkState.Closed,
            _ when found.Value.Status == CaseStatus.Closed => CaseLinkState.Closed,
            _ => CaseLinkState.Open,
        };
    }

    private DeskCase View(PartnerCase @case)
    {
        var disclosed = new HashSet<string>(@case.Fields, StringComparer.Ordinal);
        var fields = new List<DeskField>();
        string town = string.Empty, priority = string.Empty;
        IReadOnlyList<string> categories = [];
        using var document = JsonDocument.Parse(@case.View);
        foreach (var (field, label) in Labels)
        {
            // Only fields this agency was sent, as recorded in its disclosure: nothing else can reach its desk.
            if (!disclosed.Contains(field) || !document.RootElement.TryGetProperty(field, out var value))
            {
                continue;
            }

            var text = Text(field, value);
            if (text.Length == 0)
            {
                continue;
            }

            switch (field)
            {
                case ReferralFields.Town:
                    town = text;
                    break;
                case ReferralFields.Priority:
                    priority = text;
                    break;
                case ReferralFields.Categories:
                    categories = [.. value.EnumerateArray().Select(c => CategoryName(c.GetString()))];
                    break;
            }

            fields.Add(new DeskField(field, label, text));
        }

        var (lateness, lateSince) = LatenessOf(@case, world);
        return new DeskCase(
            @case.Night,
            @case.Reference,
            @case.AgencyId.Value,
            @case.Status,
            @case.DisclosedAt,
            Local(@case.DisclosedAt, world),
            town,
            categories,
            priority,
            fields)
        {
            Lateness = lateness,
            LateSince = lateSince,
        };
    }

    /// <summary>An unanswered case's lateness and since when (local time), from the markers the partner loop left on it.</summary>
    public static (DeskLateness Lateness, string? Since) LatenessOf(PartnerCase @case, RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(world);
        return @case switch
        {
            { IsUnanswered: false } => (DeskLateness.OnTime, null),
            { EscalatedAt: { } escalated } => (DeskLateness.Escalated, Local(escalated, world)),
            { RemindedAt: { } reminded } => (DeskLateness.Reminded, Local(reminded, world)),
            _ => (DeskLateness.OnTime, null),
        };
    }

    private static string Local(DateTimeOffset at, RoutingWorld world) => world.ToLocal(at).ToString("HH:mm", CultureInfo.InvariantCulture);

    private string CategoryName(string? id) =>
        !string.IsNullOrWhiteSpace(id) && world.FindCategory(CategoryId.From(id)) is { } category ? category.Name : id ?? string.Empty;

    private string Text(string field, JsonElement value) => field switch
    {
        ReferralFields.Town when value.ValueKind == JsonValueKind.Object && value.TryGetProperty("name", out var name) => name.GetString() ?? string.Empty,
        ReferralFields.Categories when value.ValueKind == JsonValueKind.Array =>
            string.Join(", ", value.EnumerateArray().Select(c => CategoryName(c.GetString()))),
        ReferralFields.ReceivedAt when value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) =>
            world.ToLocal(at).ToString("HH:mm", CultureInfo.InvariantCulture),
        _ when value.ValueKind == JsonValueKind.String => value.GetString() ?? string.Empty,
        _ => value.ToString(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner desk of agency {Agency} asked for referral {Night}/{ReferenceCode}, which was not routed to it: refused")]
    private partial void LogRefused(NightId night, ReferenceCode referenceCode, string agency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner desk of agency {Agency} opened referral {Night}/{ReferenceCode}")]
    private partial void LogOpened(NightId night, ReferenceCode referenceCode, string agency);
}
