using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Ports;

/// <summary>One audit event with the referral it belongs to (a night's rows carry many referrals' trails).</summary>
public sealed record NightEvent(ReferenceCode Reference, ReferralEvent Event);

/// <summary>Everything stored about one night: its referrals, their cases and their audit trails, read in one query.</summary>
public sealed record NightRows(IReadOnlyList<Referral> Referrals, IReadOnlyList<PartnerCase> Cases, IReadOnlyList<NightEvent> Events);
