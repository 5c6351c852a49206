using NightSafe.Core.World;
namespace NightSafe.Core.Access;

/// <summary>What a signed-in person may open: the night board (control room) or one agency's desk.</summary>
public enum ViewerRole
{
    ControlRoom,
    Agency,
}

/// <summary>
/// The person a page is for. <see cref="CaseScope"/> is set for a case link: that one case ("night/reference") and
/// nothing else. <see cref="SessionId"/> anchors the CSRF token.
/// </summary>
public sealed record Viewer(
    ViewerRole Role,
    string Name,
    AgencyId? AgencyId,
    string? CaseScope,
    DateTimeOffset ExpiresAt,
    string SessionId,
    bool FromPlatform)
{
    public bool IsControlRoom => Role == ViewerRole.ControlRoom && CaseScope is null;

    public bool IsAgency(AgencyId agencyId) => Role == ViewerRole.Agency && AgencyId == agencyId;

    /// <summary>Whether this viewer may open that case of its agency (a case link allows its own case only).</summary>
    public bool MayOpen(AgencyId agencyId, string night, string reference) =>
        IsAgency(agencyId) && (CaseScope is null || string.Equals(CaseScope, $"{night}/{reference}", StringComparison.Ordinal));

    /// <summary>The name recorded in consultations and outcomes: printable, at most 64 characters, no separators.</summary>
    public string AuditName => new([.. Name.Where(c => !char.IsControl(c) && c != '|').Take(64)]);
}
