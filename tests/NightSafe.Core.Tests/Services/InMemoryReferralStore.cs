using NightSafe.Core.World;
using System.Runtime.CompilerServices;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Tests.Services;

/// <summary>An in-memory referral store with versions, so the services' concurrency handling is exercised.</summary>
internal sealed class InMemoryReferralStore : IReferralStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (Referral Value, int Version)> _referrals = [];
    private readonly Dictionary<string, (PartnerCase Value, int Version)> _cases = [];
    private readonly List<(string Key, ReferralEvent Event)> _events = [];

    /// <summary>Runs once just before the next SaveAsync commits (to simulate a concurrent writer).</summary>
    public Action? BeforeNextSave { get; set; }

    /// <summary>Runs once just after the next SaveAsync committed (a writer that lands right after it).</summary>
    public Action? AfterNextSave { get; set; }

    public int Saves { get; private set; }

    /// <summary>How many times a referral was read (<see cref="FindAsync"/>).</summary>
    public int Finds { get; private set; }

    /// <summary>How many times a referral's cases were looked up (<see cref="CasesAsync"/>).</summary>
    public int CaseLookups { get; private set; }

    public IReadOnlyList<Referral> Referrals { get { lock (_gate) { return _referrals.Values.Select(v => v.Value).ToList(); } } }

    public IReadOnlyList<PartnerCase> AllCases { get { lock (_gate) { return _cases.Values.Select(v => v.Value).ToList(); } } }

    public IReadOnlyList<ReferralEvent> Events(Referral r) { lock (_gate) { return _events.Where(e => e.Key == Key(r.Night, r.Reference)).Select(e => e.Event).ToList(); } }

    public Task<bool> TryCreateAsync(Referral referral, IReadOnlyList<ReferralEvent> events, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var key = Key(referral.Night, referral.Reference);
            if (!_referrals.TryAdd(key, (referral, 1)))
            {
                return Task.FromResult(false);
            }

            _events.AddRange(events.Select(e => (key, e)));
            return Task.FromResult(true);
        }
    }

    public Task<Stored<Referral>?> FindAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Finds++;
            return Task.FromResult(_referrals.TryGetValue(Key(night, reference), out var r) ? new Stored<Referral>(r.Value, V(r.Version)) : null);
        }
    }

    public Task<string?> SaveAsync(ReferralChange change, CancellationToken cancellationToken)
    {
        string? saved = null;
        var before = BeforeNextSave;
        BeforeNextSave = null;
        before?.Invoke();
        lock (_gate)
        {
            var key = Key(change.Night, change.Reference);
            if (change.Referral is not null && (!_referrals.TryGetValue(key, out var current) || V(current.Version) != change.ReferralVersion))
            {
                throw new ConcurrencyConflictException("referral changed");
            }

            foreach (var (c, version) in change.Cases)
            {
                var caseKey = key + "/" + c.AgencyId;
                var exists = _cases.TryGetValue(caseKey, out var existing);
                if ((version is null && exists) || (version is not null && (!exists || V(existing.Version) != version)))
                {
                    throw new ConcurrencyConflictException("case changed");
                }
            }

            if (change.Referral is not null)
            {
                _referrals[key] = (change.Referral, _referrals[key].Version + 1);
                saved = V(_referrals[key].Version);
            }

            foreach (var (c, _) in change.Cases)
            {
                var caseKey = key + "/" + c.AgencyId;
                _cases[caseKey] = (c, _cases.TryGetValue(caseKey, out var e) ? e.Version + 1 : 1);
            }

            _events.AddRange(change.Events.Select(e => (key, e)));
            Saves++;
        }

        var after = AfterNextSave;
        AfterNextSave = null;
        after?.Invoke();
        return Task.FromResult(saved);
    }

    /// <summary>Bumps a referral's version as if someone else had written it.</summary>
    public void Touch(NightId night, ReferenceCode reference)
    {
        lock (_gate)
        {
            var key = Key(night, reference);
            _referrals[key] = (_referrals[key].Value, _referrals[key].Version + 1);
        }
    }

    public Task AppendAsync(NightId night, ReferenceCode reference, IReadOnlyList<ReferralEvent> events, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _events.AddRange(events.Select(e => (Key(night, reference), e)));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Stored<PartnerCase>>> CasesAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            CaseLookups++;
            var prefix = Key(night, reference) + "/";
            return Task.FromResult<IReadOnlyList<Stored<PartnerCase>>>(_cases.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(c => new Stored<PartnerCase>(c.Value.Value, V(c.Value.Version))).ToList());
        }
    }

    public Task<Stored<PartnerCase>?> FindCaseAsync(NightId night, ReferenceCode reference, AgencyId agencyId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_cases.TryGetValue(Key(night, reference) + "/" + agencyId, out var c) ? new Stored<PartnerCase>(c.Value, V(c.Version)) : null);
        }
    }

    public Task<IReadOnlyList<PartnerCase>> CasesForAgencyAsync(NightId night, AgencyId agencyId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<PartnerCase>>(_cases.Values.Select(c => c.Value).Where(c => c.Night == night && c.AgencyId == agencyId).ToList());
        }
    }

    public Task<IReadOnlyList<ReferralEvent>> TrailAsync(NightId night, ReferenceCode reference, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ReferralEvent>>(_events.Where(e => e.Key == Key(night, reference)).Select(e => e.Event).OrderBy(e => e.At).ToList());
        }
    }

    public Task<IReadOnlyList<Referral>> AwaitingAsync(NightId night, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Referral>>(_referrals.Values.Select(r => r.Value).Where(r => r.Night == night && (r.Status == ReferralStatus.Received || r.Advice == AdviceState.Sent)).ToList());
        }
    }

    public Task<IReadOnlyList<Referral>> NightAsync(NightId night, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Referral>>(_referrals.Values.Select(r => r.Value).Where(r => r.Night == night).ToList());
        }
    }

    public Task<IReadOnlyList<PartnerCase>> NightCasesAsync(NightId night, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<PartnerCase>>(_cases.Values.Select(c => c.Value).Where(c => c.Night == night).ToList());
        }
    }

    public Task<NightRows> NightRowsAsync(NightId night, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var referrals = _referrals.Values.Select(r => r.Value).Where(r => r.Night == night).ToList();
            var keys = referrals.ToDictionary(r => Key(r.Night, r.Reference), r => r.Reference);
            return Task.FromResult(new NightRows(
                referrals,
                _cases.Values.Select(c => c.Value).Where(c => c.Night == night).ToList(),
                _events.Where(e => keys.ContainsKey(e.Key)).Select(e => new NightEvent(keys[e.Key], e.Event)).ToList()));
        }
    }

    public async IAsyncEnumerable<Referral> UnerasedBeforeAsync(NightId cutoff, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<Referral> found;
        lock (_gate)
        {
            found = _referrals.Values.Select(r => r.Value).Where(r => r.Night < cutoff && r.ErasedAt is null).ToList();
        }

        foreach (var referral in found)
        {
            await Task.Yield();
            yield return referral;
        }
    }

    public Task EraseAsync(NightId night, ReferenceCode reference, DateTimeOffset erasedAt, ReferralEvent erasure, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var key = Key(night, reference);
            var r = _referrals[key];
            _referrals[key] = (r.Value with { Location = null, Description = null, SubjectPhone = null, ErasedAt = erasedAt }, r.Version + 1);
            foreach (var caseKey in _cases.Keys.Where(k => k.StartsWith(key + "/", StringComparison.Ordinal)).ToList())
            {
                _cases[caseKey] = (_cases[caseKey].Value with { View = "{}" }, _cases[caseKey].Version + 1);
            }

            for (var i = 0; i < _events.Count; i++)
            {
                if (_events[i].Key == key && _events[i].Event.Data.ContainsKey(ReferralEventData.Note))
                {
                    var data = _events[i].Event.Data.Where(d => d.Key != ReferralEventData.Note).ToDictionary(d => d.Key, d => d.Value);
                    _events[i] = (key, _events[i].Event with { Data = data });
                }
            }

            _events.Add((key, erasure));
        }

        return Task.CompletedTask;
    }

    private static string Key(NightId night, ReferenceCode reference) => $"{night}/{reference}";

    private static string V(int version) => "v" + version;
}
