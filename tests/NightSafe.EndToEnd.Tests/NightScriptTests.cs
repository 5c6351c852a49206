using NightSafe.Cli.Demo;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.World;
using NightSafe.LocalStack;

namespace NightSafe.EndToEnd.Tests;

/// <summary>The demo's night script: busy, varied, and written so the hub's own parser reads each referral as meant.</summary>
public sealed class NightScriptTests
{
    private static readonly RoutingWorld World = RoutingWorld.Load(RepositoryLayout.RoutingJson());

    [Fact]
    public void The_default_night_has_over_200_officer_texts_from_the_roster_across_all_seven_towns()
    {
        var plan = NightScript.Write(World, new DemoOptions().OfficerTexts, new DemoOptions().Seed);
        var roster = World.OfficerRosterSeed.Select(o => o.Phone).ToHashSet();

        var officerTexts = plan.Texts.Where(t => t.IsOfficerText).ToList();
        Assert.True(officerTexts.Count >= 200, $"{officerTexts.Count} officer texts");
        Assert.All(officerTexts, t => Assert.Contains(t.From, roster));
        Assert.Equal(World.Towns.Select(t => t.Id.Value).Order(), plan.Texts.Where(t => t.Intended is not null).Select(t => t.Intended!.TownId).Distinct().Order());
        Assert.Equal(World.Categories.Select(c => c.Id.Value).Order(), plan.Texts.Where(t => t.Intended is not null).SelectMany(t => t.Intended!.Categories).Distinct().Order());
        foreach (var kind in new[] { ScriptedKind.Help, ScriptedKind.Status, ScriptedKind.Close, ScriptedKind.Public })
        {
            Assert.Contains(plan.Texts, t => t.Kind == kind);
        }

        Assert.Contains(plan.Texts, t => t.Intended is { Categories.Count: > 1 });
        foreach (var consent in Enum.GetValues<Consent>())
        {
            Assert.Contains(plan.Texts, t => t.Intended?.Consent == consent);
        }

        foreach (var number in new[] { NightScript.InvalidNumber, NightScript.UnsubscribedNumber, NightScript.RateLimitedNumber, NightScript.UndeliveredNumber })
        {
            Assert.Contains(plan.Texts, t => t.Intended?.SubjectPhone == number && t.Intended.Consent == Consent.Given);
        }
    }

    [Theory]
    [InlineData(20261218)]
    [InlineData(7)]
    [InlineData(42)]
    public void Every_scripted_referral_is_read_by_the_hubs_parser_as_the_officer_meant(int seed)
    {
        var parser = new OfficerTextParser(World);
        var plan = NightScript.Write(World, 220, seed);

        var misread = plan.Texts.Where(t => t.Intended is not null).Select(t => (t.Body, Meant: t.Intended!, Read: parser.Parse(t.Body)))
            .Where(x => x.Read is not ReferralRequest { Draft: var d }
                || d.TownId.Value != x.Meant.TownId
                || !d.CategoryIds.Values().ToHashSet().SetEquals(x.Meant.Categories)
                || d.Consent != x.Meant.Consent
                || d.SubjectPhone != x.Meant.SubjectPhone)
            .Select(x => $"{x.Body} => {x.Read}")
            .ToList();

        Assert.True(misread.Count == 0, string.Join("\n", misread));
    }

    [Fact]
    public void The_same_seed_writes_the_same_night_and_another_seed_another()
    {
        var a = NightScript.Write(World, 40, 1).Texts.Select(t => t.Body);
        var b = NightScript.Write(World, 40, 1).Texts.Select(t => t.Body);
        var c = NightScript.Write(World, 40, 2).Texts.Select(t => t.Body);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(0, "07700 900123")]
    [InlineData(4, "(07700) 900 123")]
    [InlineData(5, "0044 7700 900 123")]
    [InlineData(8, "+44 (0) 7700 900123")]
    public void Numbers_are_spelt_in_the_formats_officers_use(int style, string expected) =>
        Assert.Equal(expected, NightScript.Spell("+447700900123", style));
}
