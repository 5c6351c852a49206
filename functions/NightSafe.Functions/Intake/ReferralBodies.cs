using NightSafe.Core.Control;
using NightSafe.Core.World;

namespace NightSafe.Functions.Intake;

/// <summary>202 to <c>POST /api/referrals</c>: where the referral is, and whether this was a repeat of an earlier call.</summary>
public sealed record AcceptedReferralBody(string Night, string Reference, string Status, bool Repeat, string Self);

/// <summary>The control room's view of a referral (<c>GET /api/referrals/{night}/{reference}</c>): all of it, its cases and its trail.</summary>
public sealed record DossierBody(
    string Night,
    string Reference,
    string Status,
    DateTimeOffset ReceivedAt,
    string Source,
    DossierTown Town,
    IReadOnlyList<string> Categories,
    string Priority,
    string? Location,
    string? Description,
    string? SubjectPhone,
    string Consent,
    string? Officer,
    bool Flagged,
    DossierAdvice Advice,
    DateTimeOffset? RoutedAt,
    DateTimeOffset? ClosedAt,
    DateTimeOffset? ErasedAt,
    IReadOnlyList<DossierCase> Cases,
    IReadOnlyList<DossierEvent> Trail)
{
    public static DossierBody From(ReferralDossier dossier, RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(dossier);
        ArgumentNullException.ThrowIfNull(world);
        var r = dossier.Referral;
        return new(
            r.Night.ToString(),
            r.Reference.ToString(),
            r.Status.ToString(),
            r.ReceivedAt,
            r.Source.ToString().ToLowerInvariant(),
            new DossierTown(r.TownId.Value, world.FindTown(r.TownId)?.Name),
            r.Categories.Values(),
            r.Priority.ToString().ToLowerInvariant(),
            r.Location,
            r.Description,
            r.SubjectPhone,
            r.Consent.ToString(),
            r.Officer,
            r.Flagged,
            new DossierAdvice(r.Advice.ToString(), r.AdviceMessageId, r.AdviceError),
            r.RoutedAt,
            r.ClosedAt,
            r.ErasedAt,
            [.. dossier.Cases.Select(c => new DossierCase(c.AgencyId.Value, c.Status.ToString(), c.DisclosedAt, c.Fields, c.AcceptedAt, c.UpdatedAt, c.WithheldAt))],
            [.. dossier.Trail.Select(e => new DossierEvent(e.At, e.Kind, e.Actor, e.Data))]);
    }
}

/// <summary>A dossier's town: its id and, when routing.json knows it, its name.</summary>
public sealed record DossierTown(string Id, string? Name);

/// <summary>A dossier's advice SMS: where it stands, the provider's message id and error.</summary>
public sealed record DossierAdvice(string State, string? MessageId, string? Error);

/// <summary>
/// One partner case in a dossier (what was disclosed to whom; not the view itself). <see cref="WithheldAt"/> is set when
/// routing withheld it (the referral closed before it was published): recorded, never sent to the agency.
/// </summary>
public sealed record DossierCase(string Agency, string Status, DateTimeOffset DisclosedAt, IReadOnlyList<string> Fields, DateTimeOffset? AcceptedAt, DateTimeOffset? UpdatedAt, DateTimeOffset? WithheldAt);

/// <summary>One line of a dossier's audit trail.</summary>
public sealed record DossierEvent(DateTimeOffset At, string Kind, string Actor, IReadOnlyDictionary<string, string> Data);
