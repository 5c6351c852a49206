using NightSafe.Core.Phones;
using NightSafe.Core.Sms;

namespace NightSafe.Core.World;

// The rules a world must keep so that routing never drops a referral and never over-shares.
internal static class RoutingWorldRules
{
    private const int MaxAdviceSegments = 2;

    public static IReadOnlyList<string> Check(RoutingWorld world)
    {
        var problems = new List<string>();
        if (world.SchemaVersion != RoutingWorld.SupportedSchemaVersion)
        {
            problems.Add($"schemaVersion {world.SchemaVersion} is not supported (this code reads {RoutingWorld.SupportedSchemaVersion})");
        }

        if (world.NightStarts == world.NightEnds)
        {
            problems.Add("night.starts and night.ends are the same time");
        }

        CheckTowns(world, problems);
        CheckCategories(world, problems);
        CheckAgencies(world, problems);
        CheckFallback(world, problems);
        CheckPeople(world, problems);
        return problems;
    }

    private static void CheckTowns(RoutingWorld world, List<string> problems)
    {
        Duplicates(world.Towns.Select(t => t.Id.Value), "town id", problems);
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var town in world.Towns)
        {
            CheckId(town.Id.Value, "town", problems);
            foreach (var name in town.Aliases.Append(town.Name).Append(town.Id.Value).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (names.TryGetValue(name, out var other) && other != town.Id.Value)
                {
                    problems.Add($"town name or alias '{name}' is used by both '{other}' and '{town.Id}'");
                }

                names.TryAdd(name, town.Id.Value);
            }
        }
    }

    private static void CheckCategories(RoutingWorld world, List<string> problems)
    {
        Duplicates(world.Categories.Select(c => c.Id.Value), "category id", problems);
        var synonyms = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var category in world.Categories)
        {
            CheckId(category.Id.Value, "category", problems);
            foreach (var superseded in category.Supersedes.Where(s => world.FindCategory(s) is null || s == category.Id))
            {
                problems.Add($"category '{category.Id}' supersedes '{superseded}', which is not another category");
            }

            foreach (var synonym in category.Synonyms.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (synonyms.TryGetValue(synonym, out var other) && other != category.Id.Value)
                {
                    problems.Add($"synonym '{synonym}' is used by both categories '{other}' and '{category.Id}'");
                }

                synonyms.TryAdd(synonym, category.Id.Value);
            }

            if (category.Advice.Length == 0)
            {
                continue;
            }

            if (!SmsText.IsGsm7(category.Advice))
            {
                problems.Add($"category '{category.Id}' advice is not GSM-7 (it would go as UCS-2 at 70 characters a segment)");
            }
            else if (SmsText.Segments(category.Advice) > MaxAdviceSegments)
            {
                problems.Add($"category '{category.Id}' advice needs {SmsText.Segments(category.Advice)} SMS segments; the limit is {MaxAdviceSegments}");
            }
        }
    }

    private static void CheckAgencies(RoutingWorld world, List<string> problems)
    {
        Duplicates(world.Agencies.Select(a => a.Id.Value), "agency id", problems);
        foreach (var agency in world.Agencies)
        {
            var at = $"agency '{agency.Id}'";
            CheckId(agency.Id.Value, "agency", problems);
            foreach (var town in agency.Towns.Where(t => t != Agency.CountyWide && world.FindTown(t) is null))
            {
                problems.Add($"{at} names town '{town}', which is not in towns");
            }

            foreach (var category in agency.Categories.Where(c => world.FindCategory(c) is null))
            {
                problems.Add($"{at} names category '{category}', which is not in categories");
            }

            foreach (var field in agency.Shares.Concat(agency.SharesWithConsent).Where(f => !ReferralFields.All.Contains(f)))
            {
                problems.Add($"{at} shares '{field}', which is not a referral field ({string.Join(", ", ReferralFields.All)})");
            }

            foreach (var window in agency.Hours.Where(w => w.From == w.To && w.From != TimeOnly.MinValue))
            {
                problems.Add($"{at} has hours from {window.From:HH\\:mm} to {window.To:HH\\:mm}, an empty or ambiguous window (use 00:00 to 24:00 for all day)");
            }

            CheckPhone(agency.Phone, $"{at} phone", problems);
            CheckChannels(agency, at, problems);
        }

        // A text from a duty phone answers for one agency: a shared number could answer another agency's cases.
        foreach (var group in world.Agencies.SelectMany(a => a.DutyPhones.Distinct().Select(p => (Phone: p, a.Id))).GroupBy(x => x.Phone).Where(g => g.Count() > 1))
        {
            problems.Add($"duty phone '{UkPhoneNumber.Mask(group.Key)}' belongs to more than one agency ({string.Join(", ", group.Select(g => g.Id))})");
        }

        foreach (var officer in world.OfficerRosterSeed.Where(o => world.AgencyForDutyPhone(o.Phone) is not null))
        {
            problems.Add($"officer '{officer.Collar}' phone is also an agency duty phone: a text from it would be read two ways");
        }
    }

    private static void CheckChannels(Agency agency, string at, List<string> problems)
    {
        if (agency.Channels.Count == 0)
        {
            problems.Add($"{at} channels is empty: leave it out for both ({string.Join(", ", AgencyChannels.All)})");
        }

        foreach (var channel in agency.Channels.Where(c => !AgencyChannels.All.Contains(c)))
        {
            problems.Add($"{at} channel '{channel}' is not one of {string.Join(", ", AgencyChannels.All)}");
        }

        Duplicates(agency.Channels, $"{at} channel", problems);
        foreach (var phone in agency.DutyPhones)
        {
            CheckPhone(phone, $"{at} duty phone", problems);
        }

        if (agency.Channels.Contains(AgencyChannels.Sms))
        {
            if (agency.DutyPhones.Count == 0)
            {
                problems.Add($"{at} uses the sms channel but has no duty phones");
            }

            if (!agency.Shares.Contains(ReferralFields.Reference))
            {
                problems.Add($"{at} uses the sms channel but does not share 'reference': its duty phones could not answer a case");
            }
        }
    }

    private static void CheckFallback(RoutingWorld world, List<string> problems)
    {
        if (world.FallbackAgencyId.Value.Length == 0)
        {
            return;
        }

        var fallback = world.FindAgency(world.FallbackAgencyId);
        if (fallback is null)
        {
            problems.Add($"fallbackAgency '{world.FallbackAgencyId}' is not in agencies");
            return;
        }

        var missing = world.Categories.Select(c => c.Id).Where(c => !fallback.Accepts(c)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"fallback agency '{fallback.Id}' must accept every category but does not accept {string.Join(", ", missing)}");
        }

        if (!fallback.Towns.Contains(Agency.CountyWide))
        {
            problems.Add($"fallback agency '{fallback.Id}' must cover every town (towns: [\"*\"])");
        }

        if (fallback.Hours.Count > 0 && !AlwaysOnDuty(fallback))
        {
            problems.Add($"fallback agency '{fallback.Id}' must be on duty at every hour of every day");
        }
    }

    private static void CheckPeople(RoutingWorld world, List<string> problems)
    {
        if (world.DutyInspectors.Count == 0)
        {
            problems.Add("dutyInspectors is empty: summaries and alerts need someone to go to");
        }

        foreach (var inspector in world.DutyInspectors)
        {
            CheckPhone(inspector.Phone, $"duty inspector '{inspector.Name}' phone", problems);
            foreach (var town in inspector.Towns.Where(t => world.FindTown(t) is null))
            {
                problems.Add($"duty inspector '{inspector.Name}' names town '{town}', which is not in towns");
            }
        }

        for (var i = 0; i < world.UrgentWhen.Count; i++)
        {
            foreach (var category in world.UrgentWhen[i].Where(c => world.FindCategory(c) is null))
            {
                problems.Add($"urgentWhen[{i}] names category '{category}', which is not in categories");
            }
        }

        Duplicates(world.OfficerRosterSeed.Select(o => o.Phone), "officer roster phone", problems);
        foreach (var officer in world.OfficerRosterSeed)
        {
            CheckPhone(officer.Phone, $"officer '{officer.Collar}' phone", problems);
            if (officer.Town.Value.Length > 0 && world.FindTown(officer.Town) is null)
            {
                problems.Add($"officer '{officer.Collar}' names town '{officer.Town}', which is not in towns");
            }
        }
    }

    private static bool AlwaysOnDuty(Agency agency)
    {
        // Every minute of a week, as wall-clock times: a week covers every day-of-week and time combination.
        var monday = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        for (var minute = 0; minute < 7 * 24 * 60; minute++)
        {
            if (!agency.IsOnDuty(monday.AddMinutes(minute)))
            {
                return false;
            }
        }

        return true;
    }

    private static void CheckPhone(string phone, string at, List<string> problems)
    {
        if (phone.Length == 0)
        {
            return;
        }

        if (!UkPhoneNumber.IsE164(phone) || !UkPhoneNumber.TryNormalise(phone, out var normalised) || normalised != phone)
        {
            problems.Add($"{at} '{UkPhoneNumber.Mask(phone)}' is not an E.164 number such as +447700900123");
        }
    }

    private static void CheckId(string id, string what, List<string> problems)
    {
        if (id.Length > 0 && !id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            problems.Add($"{what} id '{id}' must use only a-z, 0-9 and '-' (ids appear in message ids and subscription filters)");
        }
    }

    private static void Duplicates(IEnumerable<string> ids, string what, List<string> problems)
    {
        foreach (var group in ids.Where(id => id.Length > 0).GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"{what} '{group.Key}' appears {group.Count()} times");
        }
    }
}
