using NightSafe.Core.World;
using NightSafe.Core.Routing;

namespace NightSafe.Core.Tests.Domain.Routing;

public sealed class RoutingPolicyTests
{
    private readonly RoutingPolicy _policy = new(TestWorld.Real);

    // Week of 14 December 2026 (GMT): Mon 14 ... Thu 17, Fri 18, Sat 19, Sun 20.
    // Each case: town, categories, local day and time, then every expected assignment "agency:cat+cat" and the fallback's share.
    public static TheoryData<string, string, string, string, string> Table => new()
    {
        // Friday night in Chelmsford: pastors, council, safe space.
        { "chelmsford", "intoxicated", "Fri 23:00", "street-pastors-chelmsford:intoxicated community-safety-chelmsford:intoxicated safe-space-chelmsford:intoxicated", "" },
        // A Tuesday: only the council team works every night.
        { "chelmsford", "intoxicated", "Tue 23:00", "community-safety-chelmsford:intoxicated", "" },
        { "chelmsford", "alone", "Tue 23:00", "control-room:alone", "alone" },
        // Windows that wrap past midnight belong to the night they start: Saturday 02:00 is Friday's window.
        { "chelmsford", "alone", "Sat 02:00", "street-pastors-chelmsford:alone safe-space-chelmsford:alone", "" },
        { "chelmsford", "alone", "Sun 03:59", "street-pastors-chelmsford:alone safe-space-chelmsford:alone", "" },
        { "chelmsford", "alone", "Sun 04:00", "control-room:alone", "alone" },
        { "chelmsford", "alone", "Fri 02:00", "control-room:alone", "alone" },   // Thursday's window: not a pastors' night
        { "southend", "alone", "Fri 02:00", "street-pastors-southend:alone", "" }, // Southend's pastors do Thursdays
        { "chelmsford", "alone", "Fri 21:30", "safe-space-chelmsford:alone", "" }, // safe space opens at 21:00, pastors at 22:00
        { "braintree", "alone", "Fri 23:00", "control-room:alone", "alone" },      // Braintree pastors: Saturdays only
        { "braintree", "alone", "Sat 23:00", "street-pastors-braintree:alone", "" },
        // County-wide services.
        { "harlow", "domestic-abuse", "Wed 12:00", "da-survivors-essex:domestic-abuse", "" },
        { "grays", "domestic-abuse", "Sun 05:00", "da-survivors-essex:domestic-abuse", "" },
        { "basildon", "perpetrator", "Mon 18:00", "perpetrator-change-essex:perpetrator", "" },
        { "basildon", "perpetrator", "Tue 01:59", "perpetrator-change-essex:perpetrator", "" },
        { "basildon", "perpetrator", "Tue 02:00", "control-room:perpetrator", "perpetrator" },
        { "basildon", "perpetrator", "Mon 17:59", "control-room:perpetrator", "perpetrator" },
        // First aid covers four towns.
        { "grays", "injury", "Sat 22:30", "street-pastors-grays:injury first-aid-essex:injury", "" },
        { "colchester", "injury", "Sat 22:30", "street-pastors-colchester:injury safe-space-colchester:injury", "" },
        // Several categories: each agency receives only those it accepts.
        { "chelmsford", "domestic-abuse intoxicated transport", "Fri 23:00", "street-pastors-chelmsford:intoxicated+transport community-safety-chelmsford:intoxicated da-survivors-essex:domestic-abuse safe-space-chelmsford:intoxicated", "" },
        // Partly covered: the rest goes to the control room, flagged.
        { "harlow", "alone disorder", "Tue 21:00", "community-safety-harlow:disorder control-room:alone", "alone" },
        { "colchester", "transport disorder", "Wed 04:00", "control-room:disorder+transport", "disorder transport" },
        // Daytime: nobody but the county-wide services.
        { "southend", "spiking sexual-harassment", "Thu 14:00", "control-room:spiking+sexual-harassment", "spiking sexual-harassment" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Routing_table(string town, string categories, string when, string expected, string uncovered)
    {
        var decision = _policy.Decide(TownId.From(town), categories.Split(' ').As<CategoryId>(), At(when));

        Assert.Equal(expected.Split(' '), decision.Assignments.Select(a => $"{a.AgencyId}:{string.Join('+', a.Categories)}"));
        Assert.Equal(uncovered.Length > 0, decision.UsedFallback);
        Assert.Equal(uncovered.Split(' ', StringSplitOptions.RemoveEmptyEntries), decision.UncoveredCategories.Values());
    }

    [Fact]
    public void Every_town_category_and_hour_of_a_week_is_covered_by_agencies_on_duty()
    {
        var world = TestWorld.Real;
        var monday = TestWorld.Local(2026, 12, 14, 0);
        foreach (var town in world.Towns)
        {
            foreach (var category in world.Categories)
            {
                for (var hour = 0; hour < 7 * 24; hour++)
                {
                    var at = monday.AddHours(hour).AddMinutes(30);
                    var decision = _policy.Decide(town.Id, [category.Id], at);

                    var assigned = decision.Assignments.SelectMany(a => a.Categories).ToHashSet();
                    Assert.Contains(category.Id, assigned);
                    Assert.Equal(decision.UsedFallback, decision.Assignments.Any(a => a.AgencyId == world.FallbackAgencyId));
                    Assert.Equal(decision.UsedFallback, decision.UncoveredCategories.Count > 0);
                    foreach (var assignment in decision.Assignments.Where(a => a.AgencyId != world.FallbackAgencyId))
                    {
                        var agency = world.FindAgency(assignment.AgencyId)!;
                        Assert.True(agency.CoversTown(town.Id));
                        Assert.True(agency.IsOnDuty(world.ToLocal(at)), $"{agency.Id} is off duty at {world.ToLocal(at)}");
                        Assert.All(assignment.Categories, c => Assert.True(agency.Accepts(c)));
                    }
                }
            }
        }
    }

    [Theory]
    // 00:30 UTC on a summer night is 01:30 BST (on duty until 02:00); 01:30 UTC is 02:30 BST (off).
    [InlineData("2026-07-04T00:30:00Z", "perpetrator-change-essex")]
    [InlineData("2026-07-04T01:30:00Z", "control-room")]
    [InlineData("2026-12-19T01:30:00Z", "perpetrator-change-essex")]
    // Spring forward: 01:00 GMT is 02:00 BST.
    [InlineData("2026-03-29T00:59:00Z", "perpetrator-change-essex")]
    [InlineData("2026-03-29T01:00:00Z", "control-room")]
    public void Duty_hours_are_local_time_in_london(string instant, string agency)
    {
        var decision = _policy.Decide(new TownId("chelmsford"), [new CategoryId("perpetrator")], DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(agency, decision.Assignments.Single().AgencyId.Value);
    }

    [Fact]
    public void An_unknown_town_goes_only_to_the_control_room_with_every_category()
    {
        var decision = _policy.Decide(new TownId("clacton"), [new CategoryId("domestic-abuse"), new CategoryId("intoxicated")], At("Fri 23:00"));

        var only = Assert.Single(decision.Assignments);
        Assert.Equal("control-room", only.AgencyId.Value);
        Assert.Equal(["intoxicated", "domestic-abuse"], only.Categories.Values());
        Assert.True(decision.UsedFallback);
    }

    [Fact]
    public void No_category_or_an_unknown_one_still_reaches_the_control_room()
    {
        var none = _policy.Decide(new TownId("chelmsford"), [], At("Fri 23:00"));
        Assert.Equal("control-room", Assert.Single(none.Assignments).AgencyId.Value);
        Assert.True(none.UsedFallback);

        var unknown = _policy.Decide(new TownId("chelmsford"), [new CategoryId("intoxicated"), new CategoryId("sunburn")], At("Fri 23:00"));
        Assert.Equal(["sunburn"], unknown.UncoveredCategories.Values());
        Assert.Equal("control-room:sunburn", unknown.Assignments.Select(a => $"{a.AgencyId}:{string.Join('+', a.Categories)}").Last());
    }

    [Fact]
    public void Duplicate_categories_are_routed_once()
    {
        var decision = _policy.Decide(new TownId("chelmsford"), [new CategoryId("intoxicated"), new CategoryId("intoxicated")], At("Tue 23:00"));
        Assert.Equal(["intoxicated"], Assert.Single(decision.Assignments).Categories.Values());
    }

    private static DateTimeOffset At(string when)
    {
        var parts = when.Split(' ');
        var day = Array.IndexOf(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], parts[0]);
        var time = TimeOnly.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        return TestWorld.Real.ToInstant(new DateOnly(2026, 12, 14).AddDays(day), time);
    }
}
