using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Functions.Tests.Doubles;

/// <summary>The real store underneath, every call passed through: a test overrides the one step it makes fail or slow.</summary>
public abstract class ForwardingReferralStore(IReferralStore inner) : IReferralStore
{
    public virtual Task<bool> TryCreateAsync(Referral referral, IReadOnlyList<ReferralEvent> events, CancellationToken cancellationToken) =>
        inner.TryCreateAsync(referral, events, cancellationToken);

    public Task<Stored<Referral>?> FindAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken) => inner.FindAsync(night, reference, cancellationToken);

    public virtual Task<string?> SaveAsync(ReferralChange change, CancellationToken cancellationToken) => inner.SaveAsync(change, cancellationToken);

    public Task AppendAsync(NightId night, ReferenceCode reference, IReadOnlyList<ReferralEvent> events, CancellationToken cancellationToken) =>
        inner.AppendAsync(night, reference, events, cancellationToken);

    public Task<IReadOnlyList<Stored<PartnerCase>>> CasesAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken) =>
        inner.CasesAsync(night, reference, cancellationToken);

    public Task<Stored<PartnerCase>?> FindCaseAsync(NightId night, ReferenceCode reference, AgencyId agencyId, CancellationToken cancellationToken) =>
        inner.FindCaseAsync(night, reference, agencyId, cancellationToken);

    public Task<IReadOnlyList<PartnerCase>> CasesForAgencyAsync(NightId night, AgencyId agencyId, CancellationToken cancellationToken) =>
        inner.CasesForAgencyAsync(night, agencyId, cancellationToken);

    public Task<IReadOnlyList<ReferralEvent>> TrailAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken) =>
        inner.TrailAsync(night, reference, cancellationToken);

    public Task<IReadOnlyList<Referral>> NightAsync(NightId night, CancellationToken cancellationToken) => inner.NightAsync(night, cancellationToken);

    public Task<IReadOnlyList<Referral>> AwaitingAsync(NightId night, CancellationToken cancellationToken) => inner.AwaitingAsync(night, cancellationToken);

    public Task<IReadOnlyList<PartnerCase>> NightCasesAsync(NightId night, CancellationToken cancellationToken) => inner.NightCasesAsync(night, cancellationToken);

    public Task<NightRows> NightRowsAsync(NightId night, CancellationToken cancellationToken) => inner.NightRowsAsync(night, cancellationToken);

    public IAsyncEnumerable<Referral> UnerasedBeforeAsync(NightId cutoff, CancellationToken cancellationToken) => inner.UnerasedBeforeAsync(cutoff, cancellationToken);

    public virtual Task EraseAsync(NightId night, ReferenceCode reference, DateTimeOffset erasedAt, ReferralEvent erasure, CancellationToken cancellationToken) =>
        inner.EraseAsync(night, reference, erasedAt, erasure, cancellationToken);
}
