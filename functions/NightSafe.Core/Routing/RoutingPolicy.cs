using NightSafe.Core.World;

namespace NightSafe.Core.Routing;

/// <summary>
/// Decides which agencies receive a referral. An agency is assigned when it covers the town, accepts at least one of
/// the categories and is on duty at the time received (local wall-clock time). Every category must be covered by some
/// assigned agency; whatever is left goes to the fallback (control-room) agency. Nothing is dropped: an unknown town or
/// category, or no category at all, also goes to the fallback.
/// </summary>
public sealed class RoutingPolicy(RoutingWorld world)
{
    private readonly RoutingWorld _world = world ?? throw new ArgumentNullException(nameof(world));

    public RoutingDecision Decide(TownId townId, IReadOnlyCollection<CategoryId> categoryIds, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(categoryIds);

        var requested = Ordered(categoryIds);
        var local = _world.ToLocal(receivedAt);
        var assignments = new List<AgencyAssignment>();
        var covered = new HashSet<CategoryId>();
        foreach (var agency in _world.Agencies)
        {
            if (agency.Id == _world.FallbackAgencyId || !agency.CoversTown(townId) || !agency.IsOnDuty(local))
            {
                continue;
            }

            var accepted = requested.Where(agency.Accepts).ToList();
            if (accepted.Count > 0)
            {
                assignments.Add(new AgencyAssignment(agency.Id, accepted));
                covered.UnionWith(accepted);
            }
        }

        var uncovered = requested.Where(c => !covered.Contains(c)).ToList();
        var useFallback = uncovered.Count > 0 || requested.Count == 0 || _world.FindTown(townId) is null;
        if (useFallback)
        {
            // An unknown town is routed only to the control room: nobody local can be trusted to cover it.
            if (_world.FindTown(townId) is null)
            {
                assignments.Clear();
                uncovered = requested;
            }

            assignments.Add(new AgencyAssignment(_world.FallbackAgencyId, uncovered));
        }

        return new RoutingDecision(assignments, useFallback, uncovered);
    }

    // Known categories in routing.json order, then unknown ones as given; duplicates removed.
    private List<CategoryId> Ordered(IReadOnlyCollection<CategoryId> categoryIds)
    {
        var known = _world.Categories.Select(c => c.Id).Where(categoryIds.Contains);
        var unknown = categoryIds.Where(c => _world.FindCategory(c) is null);
        return known.Concat(unknown).Distinct().ToList();
    }
}

/// <summary>
/// Who receives a referral. <see cref="UsedFallback"/> is true when the fallback agency was assigned;
/// <see cref="UncoveredCategories"/> are the categories only the fallback received.
/// </summary>
public sealed record RoutingDecision(IReadOnlyList<AgencyAssignment> Assignments, bool UsedFallback, IReadOnlyList<CategoryId> UncoveredCategories);

/// <summary>One agency and the referral's categories it receives.</summary>
public sealed record AgencyAssignment(AgencyId AgencyId, IReadOnlyList<CategoryId> Categories);
