using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using NightSafe.Core.Intake;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Summaries;

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

    public int Saves { get; private set; }

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
            return Task.FromResult(_referrals.TryGetValue(Key(night, reference), out var r) ? new Stored<Referral>(r.Value, V(r.Version)) : null);
        }
    }

    public Task SaveAsync(ReferralChange change, CancellationToken cancellationToken)
    {
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
            }

            foreach (var (c, _) in change.Cases)
            {
                var caseKey = key + "/" + c.AgencyId;
                _cases[caseKey] = (c, _cases.TryGetValue(caseKey, out var e) ? e.Version + 1 : 1);
            }

            _events.AddRange(change.Events.Select(e => (key, e)));
            Saves++;
        }

        return Task.CompletedTask;
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
            var prefix = Key(night, reference) + "/";
            return Task.FromResult<IReadOnlyList<Stored<PartnerCase>>>(_cases.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(c => new Stored<PartnerCase>(c.Value.Value, V(c.Value.Version))).ToList());
        }
    }

    public Task<Stored<PartnerCase>?> FindCaseAsync(NightId night, ReferenceCode reference, string agencyId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_cases.TryGetValue(Key(night, reference) + "/" + agencyId, out var c) ? new Stored<PartnerCase>(c.Value, V(c.Version)) : null);
        }
    }

    public Task<IReadOnlyList<PartnerCase>> CasesForAgencyAsync(NightId night, string agencyId, CancellationToken cancellationToken)
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

internal sealed class InMemoryLedger(TimeProvider time) : IInboundLedger
{
    private readonly ConcurrentDictionary<string, (InboundClaim Claim, DateTimeOffset At, int Version)> _entries = new();

    public Task<InboundClaim> ClaimAsync(string source, string key, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        lock (_entries)
        {
            var id = source + "|" + key;
            var now = time.GetUtcNow();
            if (!_entries.TryGetValue(id, out var entry))
            {
                var claim = new InboundClaim(source, key, InboundState.Claimed, "1");
                _entries[id] = (claim, now, 1);
                return Task.FromResult(claim);
            }

            if (entry.Claim.State is InboundState.Done or InboundState.Rejected)
            {
                return Task.FromResult(entry.Claim);
            }

            if (now - entry.At < staleAfter)
            {
                return Task.FromResult(entry.Claim with { State = InboundState.Busy });
            }

            var taken = entry.Claim with { Version = (entry.Version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            _entries[id] = (taken, now, entry.Version + 1);
            return Task.FromResult(taken);
        }
    }

    public Task<InboundClaim> RecordStoredAsync(InboundClaim claim, NightId night, ReferenceCode reference, CancellationToken cancellationToken) =>
        Task.FromResult(Update(claim, c => c with { State = InboundState.Stored, Night = night, Reference = reference }));

    public Task CompleteAsync(InboundClaim claim, string reply, CancellationToken cancellationToken)
    {
        Update(claim, c => c with { State = InboundState.Done, Reply = reply });
        return Task.CompletedTask;
    }

    public Task RejectAsync(InboundClaim claim, string reason, CancellationToken cancellationToken)
    {
        Update(claim, c => c with { State = InboundState.Rejected });
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(InboundClaim claim, CancellationToken cancellationToken)
    {
        lock (_entries)
        {
            var id = claim.Source + "|" + claim.Key;
            _entries[id] = (_entries[id].Claim, DateTimeOffset.MinValue, _entries[id].Version);
        }

        return Task.CompletedTask;
    }

    public Task<InboundClaim?> FindAsync(string source, string key, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryGetValue(source + "|" + key, out var e) && e.Claim.State is InboundState.Done or InboundState.Rejected ? e.Claim : null);

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var old = _entries.Where(e => e.Value.At < before).Select(e => e.Key).ToList();
        foreach (var key in old)
        {
            _entries.TryRemove(key, out _);
        }

        return Task.FromResult(old.Count);
    }

    private InboundClaim Update(InboundClaim claim, Func<InboundClaim, InboundClaim> change)
    {
        lock (_entries)
        {
            var id = claim.Source + "|" + claim.Key;
            var entry = _entries[id];
            if (entry.Claim.Version != claim.Version)
            {
                throw new ConcurrencyConflictException("claim taken over");
            }

            var next = change(entry.Claim) with { Version = (entry.Version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            _entries[id] = (next, entry.At, entry.Version + 1);
            return next;
        }
    }
}

internal sealed class InMemoryRoster : IOfficerRoster
{
    private readonly ConcurrentDictionary<string, Officer> _officers = new();

    public Task<Officer?> FindAsync(string phoneE164, CancellationToken cancellationToken) => Task.FromResult(_officers.GetValueOrDefault(phoneE164));

    public Task UpsertAsync(Officer officer, CancellationToken cancellationToken)
    {
        _officers[officer.Phone] = officer;
        return Task.CompletedTask;
    }
}

internal sealed class InMemoryOptOuts : IOptOutRegistry
{
    private readonly ConcurrentDictionary<string, string> _numbers = new();

    public IReadOnlyCollection<string> Numbers => _numbers.Keys.ToList();

    public Task<bool> IsOptedOutAsync(string phoneE164, CancellationToken cancellationToken) => Task.FromResult(_numbers.ContainsKey(phoneE164));

    public Task OptOutAsync(string phoneE164, string reason, CancellationToken cancellationToken)
    {
        _numbers[phoneE164] = reason;
        return Task.CompletedTask;
    }

    public Task OptInAsync(string phoneE164, CancellationToken cancellationToken)
    {
        _numbers.TryRemove(phoneE164, out _);
        return Task.CompletedTask;
    }
}

internal sealed class InMemoryConversations : IConversationStore
{
    private readonly ConcurrentDictionary<string, OfficerThread> _threads = new();

    public IReadOnlyDictionary<string, OfficerThread> Threads => _threads;

    public Task<OfficerThread?> FindAsync(string officerPhoneE164, CancellationToken cancellationToken) =>
        Task.FromResult(_threads.TryGetValue(officerPhoneE164, out var thread) ? thread : null);

    public Task SaveAsync(string officerPhoneE164, OfficerThread thread, CancellationToken cancellationToken)
    {
        _threads[officerPhoneE164] = thread;
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string officerPhoneE164, CancellationToken cancellationToken)
    {
        _threads.TryRemove(officerPhoneE164, out _);
        return Task.CompletedTask;
    }
}

internal sealed class RecordingRoutingQueue : IRoutingQueue
{
    public ConcurrentQueue<RoutingWorkItem> Items { get; } = new();

    public Task EnqueueAsync(RoutingWorkItem item, CancellationToken cancellationToken)
    {
        Items.Enqueue(item);
        return Task.CompletedTask;
    }
}

internal sealed class RecordingPublisher : IPartnerMessagePublisher
{
    public ConcurrentQueue<OutgoingCase> Cases { get; } = new();

    public ConcurrentQueue<OutgoingSummary> Summaries { get; } = new();

    public Task PublishCasesAsync(IReadOnlyList<OutgoingCase> cases, CancellationToken cancellationToken)
    {
        foreach (var c in cases)
        {
            Cases.Enqueue(c);
        }

        return Task.CompletedTask;
    }

    public Task PublishSummariesAsync(IReadOnlyList<OutgoingSummary> summaries, CancellationToken cancellationToken)
    {
        foreach (var s in summaries)
        {
            Summaries.Enqueue(s);
        }

        return Task.CompletedTask;
    }
}

/// <summary>An SMS sender that answers from a script per number, and records every attempt.</summary>
internal sealed class ScriptedSmsSender : ISmsSender
{
    private int _next;

    public ConcurrentQueue<OutgoingSms> Sent { get; } = new();

    public Func<OutgoingSms, SmsSendResult?> Script { get; set; } = _ => null;

    public Task<SmsSendResult> SendAsync(OutgoingSms sms, CancellationToken cancellationToken)
    {
        Sent.Enqueue(sms);
        var scripted = Script(sms);
        return Task.FromResult(scripted ?? new SmsSendResult.Accepted("SM" + Interlocked.Increment(ref _next).ToString("D32", System.Globalization.CultureInfo.InvariantCulture)));
    }
}

internal sealed class InMemorySummaryStore : ISummaryStore
{
    private readonly ConcurrentDictionary<NightId, (NightSummary Value, int Version)> _summaries = new();

    public Task<Stored<NightSummary>?> FindAsync(NightId night, CancellationToken cancellationToken) =>
        Task.FromResult(_summaries.TryGetValue(night, out var s) ? new Stored<NightSummary>(s.Value, "v" + s.Version) : null);

    public Task<bool> TryAddAsync(NightSummary summary, CancellationToken cancellationToken) => Task.FromResult(_summaries.TryAdd(summary.Night, (summary, 1)));

    public Task MarkDeliveredAsync(NightId night, string version, DateTimeOffset deliveredAt, CancellationToken cancellationToken)
    {
        var s = _summaries[night];
        if ("v" + s.Version != version)
        {
            throw new ConcurrencyConflictException("summary changed");
        }

        _summaries[night] = (s.Value with { DeliveredAt = deliveredAt }, s.Version + 1);
        return Task.CompletedTask;
    }
}
