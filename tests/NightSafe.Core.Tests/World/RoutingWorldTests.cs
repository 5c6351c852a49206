using System.Text.Json.Nodes;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Domain.World;

public sealed class RoutingWorldTests
{
    [Fact]
    public void The_shipped_routing_json_loads_with_the_deployment_area_and_stable_category_ids()
    {
        var world = RoutingWorld.Load(TestWorld.PathToJson);

        Assert.Equal("Europe/London", world.TimeZone.Id);
        Assert.Equal(new TimeOnly(18, 0), world.NightStarts);
        Assert.Equal(new TimeOnly(8, 0), world.NightEnds);
        Assert.Equal(
            ["chelmsford", "colchester", "harlow", "grays", "basildon", "southend", "braintree"],
            world.Towns.Select(t => t.Id).Values());
        Assert.Equal(
            ["alone", "intoxicated", "spiking", "sexual-harassment", "domestic-abuse", "perpetrator", "injury", "disorder", "transport"],
            world.Categories.Select(c => c.Id).Values());
        Assert.Equal("control-room", world.FallbackAgency.Id.Value);
        Assert.Empty(world.FindProblems());
        Assert.NotEmpty(world.DutyInspectors);
        Assert.NotEmpty(world.OfficerRosterSeed);
    }

    [Fact]
    public void Lookups_find_by_id_and_return_null_for_unknown_ids()
    {
        var world = TestWorld.Real;

        Assert.Equal("Southend-on-Sea", world.FindTown(new TownId("southend"))?.Name);
        Assert.Equal(Priority.High, world.FindCategory(new CategoryId("spiking"))?.Priority);
        Assert.Equal("+447700900115", world.FindAgency(new AgencyId("da-survivors-essex"))?.Phone);
        Assert.Null(world.FindTown(new TownId("london")));
        Assert.Null(world.FindCategory(new CategoryId("Spiking")));
        Assert.Null(world.AgencyNamed(""));
        Assert.Null(world.AgencyNamed("DA-SURVIVORS-ESSEX"));
        Assert.Equal(new AgencyId("da-survivors-essex"), world.AgencyNamed("da-survivors-essex")?.Id);
    }

    [Fact]
    public void Channels_default_to_both_and_duty_phones_to_the_agency_phone()
    {
        var pastors = TestWorld.Real.FindAgency(new AgencyId("street-pastors-chelmsford"))!;

        Assert.True(pastors.UsesServiceBus);
        Assert.True(pastors.UsesSms);
        Assert.Equal([pastors.Phone], pastors.DutyPhones);
        Assert.Equal("street-pastors-chelmsford", TestWorld.Real.AgencyForDutyPhone(pastors.Phone)?.Id.Value);
        Assert.Null(TestWorld.Real.AgencyForDutyPhone("+447700900001"));
    }

    [Fact]
    public void Channels_and_several_duty_phones_are_read_from_the_file()
    {
        var document = JsonNode.Parse(TestWorld.Json)!.AsObject();
        Agency(document, "street-pastors-grays")["channels"] = new JsonArray("sms");
        Agency(document, "street-pastors-grays")["phones"] = new JsonArray("+447700900140", "+447700900141");

        var world = RoutingWorld.Parse(document.ToJsonString());

        var grays = world.FindAgency(new AgencyId("street-pastors-grays"))!;
        Assert.False(grays.UsesServiceBus);
        Assert.True(grays.UsesSms);
        Assert.Equal(["+447700900140", "+447700900141"], grays.DutyPhones);
        Assert.Equal("street-pastors-grays", world.AgencyForDutyPhone("+447700900141")?.Id.Value);
    }

    [Theory]
    [InlineData("chelmsford", "+447700900903")]
    [InlineData("harlow", "+447700900903")]
    [InlineData("colchester", "+447700900901")]
    [InlineData("braintree", "+447700900901")]
    [InlineData("southend", "+447700900902")]
    [InlineData("grays", "+447700900902")]
    public void Alerts_go_to_the_inspector_whose_area_holds_the_town(string town, string phone)
    {
        Assert.Equal([phone], TestWorld.Real.InspectorsFor(TownId.From(town)).Select(i => i.Phone));
    }

    [Fact]
    public void A_town_in_no_inspector_area_alerts_every_inspector()
    {
        Assert.Equal(TestWorld.Real.DutyInspectors, TestWorld.Real.InspectorsFor(new TownId("london")));
    }

    [Fact]
    public void Acknowledgement_minutes_are_read_per_priority()
    {
        var ack = TestWorld.Real.Acknowledgement;

        Assert.Equal(TimeSpan.FromMinutes(5), ack.For(Priority.Urgent));
        Assert.Equal(TimeSpan.FromMinutes(10), ack.For(Priority.High));
        Assert.Equal(TimeSpan.FromMinutes(20), ack.For(Priority.Normal));
    }

    [Theory]
    [InlineData(new[] { "spiking", "injury" }, Priority.Urgent)]
    [InlineData(new[] { "injury", "intoxicated", "spiking" }, Priority.Urgent)]
    [InlineData(new[] { "alone", "spiking" }, Priority.Urgent)]
    [InlineData(new[] { "domestic-abuse", "injury" }, Priority.Urgent)]
    [InlineData(new[] { "spiking" }, Priority.High)]
    [InlineData(new[] { "injury", "intoxicated" }, Priority.High)]
    [InlineData(new[] { "alone" }, Priority.Normal)]
    public void Urgent_is_decided_by_the_category_combinations_routing_json_names(string[] categories, Priority expected)
    {
        Assert.Equal(expected, TestWorld.Real.PriorityOf(categories.As<CategoryId>()));
    }

    [Fact]
    public void Priority_of_categories_is_high_when_any_is_high()
    {
        Assert.Equal(Priority.High, TestWorld.Real.PriorityOf([new CategoryId("intoxicated"), new CategoryId("spiking")]));
        Assert.Equal(Priority.Normal, TestWorld.Real.PriorityOf([new CategoryId("alone"), new CategoryId("transport")]));
        Assert.Equal(Priority.Normal, TestWorld.Real.PriorityOf([new CategoryId("nonsense")]));
    }

    [Fact]
    public void Perpetrator_programme_never_receives_the_subjects_phone_and_street_pastors_only_with_consent()
    {
        var perpetrator = TestWorld.Real.Agencies.Single(a => a.Kind == "perpetrator-programme");
        Assert.DoesNotContain(ReferralFields.SubjectPhone, perpetrator.Shares.Concat(perpetrator.SharesWithConsent));

        foreach (var pastors in TestWorld.Real.Agencies.Where(a => a.Kind == "street-pastors"))
        {
            Assert.DoesNotContain(ReferralFields.SubjectPhone, pastors.Shares);
            Assert.Contains(ReferralFields.SubjectPhone, pastors.SharesWithConsent);
            Assert.Contains(ReferralFields.Location, pastors.Shares);
            Assert.Contains(ReferralFields.Description, pastors.Shares);
        }
    }

    [Theory]
    [InlineData("2026-12-18", "23:00", "2026-12-18T23:00:00+00:00")]
    [InlineData("2026-07-03", "23:00", "2026-07-03T23:00:00+01:00")]
    [InlineData("2026-03-29", "01:30", "2026-03-29T02:30:00+01:00")] // skipped by the spring change: 30 minutes past it
    [InlineData("2026-10-25", "01:30", "2026-10-25T01:30:00+01:00")] // happens twice: the first (BST) one
    public void Local_wall_clock_times_map_to_instants_across_clock_changes(string date, string time, string expected)
    {
        var instant = TestWorld.Real.ToInstant(
            DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
            TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture));

        var wanted = DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(wanted, instant);
        Assert.Equal(wanted.Offset, instant.Offset);
    }

    [Fact]
    public void Malformed_json_is_reported_as_a_routing_world_problem()
    {
        var error = Assert.Throws<RoutingWorldException>(() => RoutingWorld.Parse("{ \"towns\": [ "));
        Assert.Single(error.Problems);
        Assert.Contains("not valid JSON", error.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_document_is_reported()
    {
        var error = Assert.Throws<RoutingWorldException>(() => RoutingWorld.Parse("null"));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> BreakageNames => new(Breakages.Keys);

    [Theory]
    [MemberData(nameof(BreakageNames))]
    public void Validation_rejects_each_kind_of_bad_file(string breakage)
    {
        var (breakFile, expected) = Breakages[breakage];
        var document = JsonNode.Parse(TestWorld.Json)!.AsObject();
        breakFile(document);

        var error = Assert.Throws<RoutingWorldException>(() => RoutingWorld.Parse(document.ToJsonString()));

        Assert.Contains(error.Problems, p => p.Contains(expected, StringComparison.Ordinal));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_lists_every_problem_not_just_the_first()
    {
        var document = JsonNode.Parse(TestWorld.Json)!.AsObject();
        Agency(document, "street-pastors-chelmsford")["towns"] = new JsonArray("chelmsferd");
        Agency(document, "community-safety-harlow")["shares"]!.AsArray().Add("homeAddress");
        document["dutyInspectors"]![0]!["phone"] = "07700 900901";

        var error = Assert.Throws<RoutingWorldException>(() => RoutingWorld.Parse(document.ToJsonString()));

        Assert.Equal(3, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.Contains("'chelmsferd'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("'homeAddress'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("duty inspector", StringComparison.Ordinal));
    }

    [Fact]
    public void A_problem_never_shows_a_full_phone_number()
    {
        var document = JsonNode.Parse(TestWorld.Json)!.AsObject();
        document["officerRosterSeed"]![0]!["phone"] = "+4477009000019999";

        var error = Assert.Throws<RoutingWorldException>(() => RoutingWorld.Parse(document.ToJsonString()));

        Assert.DoesNotContain("+4477009000019999", error.Message, StringComparison.Ordinal);
    }

    private static readonly Dictionary<string, (Action<JsonObject> Break, string Expected)> Breakages = new()
    {
        ["duplicate town id"] = (d => Town(d, "harlow")["id"] = "chelmsford", "town id 'chelmsford' appears 2 times"),
        ["duplicate category id"] = (d => Category(d, "transport")["id"] = "alone", "category id 'alone' appears 2 times"),
        ["duplicate agency id"] = (d => Agency(d, "street-pastors-harlow")["id"] = "street-pastors-grays", "agency id 'street-pastors-grays' appears 2 times"),
        ["agency names an unknown town"] = (d => Agency(d, "street-pastors-harlow")["towns"] = new JsonArray("epping"), "names town 'epping'"),
        ["agency names an unknown category"] = (d => Agency(d, "first-aid-essex")["categories"]!.AsArray().Add("sunburn"), "names category 'sunburn'"),
        ["shares a field that is not a referral field"] = (d => Agency(d, "street-pastors-grays")["shares"]!.AsArray().Add("dateOfBirth"), "shares 'dateOfBirth'"),
        ["shares with consent a field that is not a referral field"] = (d => Agency(d, "da-survivors-essex")["sharesWithConsent"]!.AsArray().Add("email"), "shares 'email'"),
        ["fallback agency missing"] = (d => d["fallbackAgency"] = "night-desk", "fallbackAgency 'night-desk' is not in agencies"),
        ["fallback agency field absent"] = (d => d.Remove("fallbackAgency"), "fallbackAgency is missing"),
        ["fallback does not accept every category"] = (d => Agency(d, "control-room")["categories"] = new JsonArray("alone", "intoxicated"), "must accept every category but does not accept spiking"),
        ["fallback is not county-wide"] = (d => Agency(d, "control-room")["towns"] = new JsonArray("chelmsford"), "must cover every town"),
        ["fallback is not always on duty"] = (d => Agency(d, "control-room")["hours"] = Hours(null, "18:00", "08:00"), "must be on duty at every hour"),
        ["agency phone not E.164"] = (d => Agency(d, "street-pastors-grays")["phone"] = "07700 900104", "phone '***' is not an E.164 number"),
        ["duty inspector phone not E.164"] = (d => d["dutyInspectors"]![1]!["phone"] = "+44 7700 900902", "duty inspector 'Duty Inspector, South (Southend, Basildon, Grays)' phone"),
        ["officer phone not E.164"] = (d => d["officerRosterSeed"]![2]!["phone"] = "447700900003", "officer 'PS 4121' phone"),
        ["officer names an unknown town"] = (d => d["officerRosterSeed"]![2]!["town"] = "clacton", "officer 'PS 4121' names town 'clacton'"),
        ["duplicate officer phone"] = (d => d["officerRosterSeed"]![1]!["phone"] = "+447700900001", "officer roster phone '+447700900001' appears 2 times"),
        ["advice not GSM-7"] = (d => Category(d, "alone")["advice"] = "NightSafe: stay safe \u2014 call 999 if you\u2019re in danger.", "category 'alone' advice is not GSM-7"),
        ["advice over two segments"] = (d => Category(d, "transport")["advice"] = new string('a', 307), "category 'transport' advice needs 3 SMS segments"),
        ["hours not a time"] = (d => Agency(d, "street-pastors-harlow")["hours"] = Hours(["Fri"], "22:00", "25:00"), "to '25:00' is not a time of day"),
        ["hours from 24:00"] = (d => Agency(d, "street-pastors-harlow")["hours"] = Hours(["Fri"], "24:00", "04:00"), "from '24:00' is not a time of day"),
        ["hours empty window"] = (d => Agency(d, "street-pastors-harlow")["hours"] = Hours(["Fri"], "22:00", "22:00"), "an empty or ambiguous window"),
        ["hours unknown night"] = (d => Agency(d, "street-pastors-harlow")["hours"] = Hours(["Fry"], "22:00", "04:00"), "'Fry' is not a day of the week"),
        ["hours missing"] = (d => Agency(d, "street-pastors-harlow")["hours"] = new JsonArray(), "agencies[2].hours is missing or empty"),
        ["night start missing"] = (d => d["night"]!.AsObject().Remove("starts"), "night.starts is missing"),
        ["night starts when it ends"] = (d => d["night"]!["ends"] = "18:00", "night.starts and night.ends are the same time"),
        ["schema version missing"] = (d => d.Remove("schemaVersion"), "schemaVersion is missing"),
        ["schema version unsupported"] = (d => d["schemaVersion"] = 2, "schemaVersion 2 is not supported"),
        ["unknown time zone"] = (d => d["timeZone"] = "Europe/Londres", "timeZone 'Europe/Londres' is not a known time zone"),
        ["unknown priority"] = (d => Category(d, "injury")["priority"] = "critical", "priority 'critical' is not 'normal', 'high' or 'urgent'"),
        ["unknown channel"] = (d => Agency(d, "street-pastors-grays")["channels"] = new JsonArray("pager"), "channel 'pager' is not one of servicebus, sms"),
        ["empty channels"] = (d => Agency(d, "street-pastors-grays")["channels"] = new JsonArray(), "agencies[3].channels is missing or empty"),
        ["sms channel without duty phones"] = (d => { Agency(d, "street-pastors-grays")["channels"] = new JsonArray("sms"); Agency(d, "street-pastors-grays")["phones"] = new JsonArray(); }, "uses the sms channel but has no duty phones"),
        ["sms channel without the reference"] = (d => { Agency(d, "street-pastors-grays")["channels"] = new JsonArray("sms"); Agency(d, "street-pastors-grays")["shares"]!.AsArray().RemoveAt(0); }, "does not share 'reference'"),
        ["duty phone not E.164"] = (d => Agency(d, "street-pastors-grays")["phones"] = new JsonArray("07700 900104"), "duty phone '***' is not an E.164 number"),
        ["duty phone of two agencies"] = (d => Agency(d, "street-pastors-grays")["phones"] = new JsonArray("+447700900104", "+447700900105"), "belongs to more than one agency (street-pastors-grays, street-pastors-basildon)"),
        ["duty phone is an officer's"] = (d => Agency(d, "street-pastors-grays")["phones"] = new JsonArray("+447700900007"), "officer 'PC 4149' phone is also an agency duty phone"),
        ["inspector names an unknown town"] = (d => d["dutyInspectors"]![0]!["towns"] = new JsonArray("clacton"), "names town 'clacton'"),
        ["urgentWhen names an unknown category"] = (d => d["urgentWhen"]![0]!.AsArray().Add("sunburn"), "urgentWhen[0] names category 'sunburn'"),
        ["acknowledgement missing"] = (d => d.Remove("acknowledgement"), "acknowledgement is missing"),
        ["acknowledgement out of range"] = (d => d["acknowledgement"]!["urgent"] = 0, "acknowledgement.urgent must be a number of minutes from 1 to 120"),
        ["alias used by two towns"] = (d => Town(d, "basildon")["aliases"]!.AsArray().Add("chelms"), "alias 'chelms' is used by both 'chelmsford' and 'basildon'"),
        ["synonym used by two categories"] = (d => Category(d, "disorder")["synonyms"]!.AsArray().Add("drunk"), "synonym 'drunk' is used by both categories 'intoxicated' and 'disorder'"),
        ["supersedes an unknown category"] = (d => Category(d, "perpetrator")["supersedes"]!.AsArray().Add("sunburn"), "category 'perpetrator' supersedes 'sunburn', which is not another category"),
        ["supersedes itself"] = (d => Category(d, "perpetrator")["supersedes"]!.AsArray().Add("perpetrator"), "category 'perpetrator' supersedes 'perpetrator', which is not another category"),
        ["id with unsafe characters"] = (d => Agency(d, "first-aid-essex")["id"] = "First Aid", "agency id 'First Aid' must use only a-z"),
        ["towns missing"] = (d => d.Remove("towns"), "towns is missing or empty"),
        ["no duty inspectors"] = (d => d["dutyInspectors"] = new JsonArray(), "dutyInspectors is missing or empty"),
        ["agency without a name"] = (d => Agency(d, "street-pastors-grays")["name"] = " ", "agencies[3].name is missing or empty"),
    };

    private static JsonObject Town(JsonObject document, string id) => Find(document, "towns", id);

    private static JsonObject Category(JsonObject document, string id) => Find(document, "categories", id);

    private static JsonObject Agency(JsonObject document, string id) => Find(document, "agencies", id);

    private static JsonObject Find(JsonObject document, string list, string id) =>
        document[list]!.AsArray().Select(n => n!.AsObject()).Single(o => (string?)o["id"] == id);

    private static JsonArray Hours(string[]? nights, string from, string to)
    {
        var window = new JsonObject { ["from"] = from, ["to"] = to };
        if (nights is not null)
        {
            window["nights"] = new JsonArray(nights.Select(n => (JsonNode)JsonValue.Create(n)).ToArray());
        }

        return new JsonArray(window);
    }
}
