namespace NightSafe.Core.World;

// Turns the JSON document into the domain records, noting every field that is missing or cannot be read.
internal static class RoutingWorldReader
{
    private static readonly Dictionary<string, DayOfWeek> DayNames = BuildDayNames();

    public static RoutingWorld Read(RoutingWorldDocument document, List<string> problems)
    {
        if (document.SchemaVersion is null)
        {
            problems.Add("schemaVersion is missing");
        }

        var timeZone = ReadTimeZone(document.TimeZone, problems);
        var starts = ReadClock(document.Night?.Starts, "night.starts", allowEndOfDay: false, problems);
        var ends = ReadClock(document.Night?.Ends, "night.ends", allowEndOfDay: false, problems);

        return new RoutingWorld
        {
            SchemaVersion = document.SchemaVersion ?? 0,
            County = Required(document.County, "county", problems),
            TimeZone = timeZone,
            NightStarts = starts,
            NightEnds = ends,
            FallbackAgencyId = RequiredId<AgencyId>(document.FallbackAgency, "fallbackAgency", problems),
            Towns = ReadList(document.Towns, "towns", problems, (t, at) => new Town(
                RequiredId<TownId>(t.Id, $"{at}.id", problems),
                Required(t.Name, $"{at}.name", problems),
                Strings(t.Aliases, $"{at}.aliases", problems, required: false),
                Required(t.Council, $"{at}.council", problems))),
            Categories = ReadList(document.Categories, "categories", problems, (c, at) => new Category(
                RequiredId<CategoryId>(c.Id, $"{at}.id", problems),
                Required(c.Name, $"{at}.name", problems),
                ReadPriority(c.Priority, $"{at}.priority", problems),
                Strings(c.Synonyms, $"{at}.synonyms", problems, required: false),
                Required(c.Advice, $"{at}.advice", problems))
            {
                Excludes = Strings(c.Excludes, $"{at}.excludes", problems, required: false),
                Supersedes = Ids<CategoryId>(c.Supersedes, $"{at}.supersedes", problems, required: false),
            }),
            Agencies = ReadList(document.Agencies, "agencies", problems, (a, at) => new Agency(
                RequiredId<AgencyId>(a.Id, $"{at}.id", problems),
                Required(a.Name, $"{at}.name", problems),
                Required(a.Kind, $"{at}.kind", problems),
                Ids<TownId>(a.Towns, $"{at}.towns", problems, required: true),
                Ids<CategoryId>(a.Categories, $"{at}.categories", problems, required: true),
                ReadList(a.Hours, $"{at}.hours", problems, (h, hat) => ReadWindow(h, hat, problems)),
                Strings(a.Shares, $"{at}.shares", problems, required: true),
                Strings(a.SharesWithConsent, $"{at}.sharesWithConsent", problems, required: false),
                Required(a.Phone, $"{at}.phone", problems))
            {
                Channels = a.Channels is null ? AgencyChannels.All : Strings(a.Channels, $"{at}.channels", problems, required: true),
                DutyPhones = a.Phones is null
                    ? (string.IsNullOrWhiteSpace(a.Phone) ? [] : [a.Phone.Trim()])
                    : Strings(a.Phones, $"{at}.phones", problems, required: false),
            }),
            DutyInspectors = ReadList(document.DutyInspectors, "dutyInspectors", problems, (d, at) => new DutyInspector(
                Required(d.Name, $"{at}.name", problems),
                Required(d.Phone, $"{at}.phone", problems))
            {
                Towns = Ids<TownId>(d.Towns, $"{at}.towns", problems, required: false),
            }),
            OfficerRosterSeed = document.OfficerRosterSeed is null
                ? []
                : ReadList(document.OfficerRosterSeed, "officerRosterSeed", problems, (o, at) => new RosterOfficer(
                    Required(o.Phone, $"{at}.phone", problems),
                    Required(o.Name, $"{at}.name", problems),
                    Required(o.Collar, $"{at}.collar", problems),
                    RequiredId<TownId>(o.Town, $"{at}.town", problems))),
            Acknowledgement = ReadAcknowledgement(document.Acknowledgement, problems),
            UrgentWhen = document.UrgentWhen is null
                ? []
                : document.UrgentWhen.Select((c, i) => (IReadOnlyList<CategoryId>)Ids<CategoryId>(c, $"urgentWhen[{i}]", problems, required: true)).ToList(),
        };
    }

    private static Acknowledgement ReadAcknowledgement(AcknowledgementDocument? document, List<string> problems)
    {
        if (document is null)
        {
            problems.Add("acknowledgement is missing: minutes to accept a case, e.g. {\"urgent\": 5, \"high\": 10, \"normal\": 20}");
            return Acknowledgement.Uniform(TimeSpan.FromMinutes(20));
        }

        return new Acknowledgement(
            Minutes(document.Urgent, "acknowledgement.urgent", problems),
            Minutes(document.High, "acknowledgement.high", problems),
            Minutes(document.Normal, "acknowledgement.normal", problems));
    }

    private static TimeSpan Minutes(double? minutes, string at, List<string> problems)
    {
        // Under a minute nobody can answer; over two hours is no deadline on a night out.
        if (minutes is not { } value || value < 1 || value > 120)
        {
            problems.Add($"{at} must be a number of minutes from 1 to 120");
            return TimeSpan.FromMinutes(20);
        }

        return TimeSpan.FromMinutes(value);
    }

    private static DutyWindow ReadWindow(DutyWindowDocument window, string at, List<string> problems)
    {
        List<DayOfWeek>? nights = null;
        if (window.Nights is not null)
        {
            nights = [];
            foreach (var name in window.Nights)
            {
                if (name is not null && DayNames.TryGetValue(name.Trim(), out var day))
                {
                    nights.Add(day);
                }
                else
                {
                    problems.Add($"{at}.nights: '{name}' is not a day of the week (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
                }
            }

            if (window.Nights.Count == 0)
            {
                problems.Add($"{at}.nights is empty: leave it out for every night");
            }
        }

        var from = ReadClock(window.From, $"{at}.from", allowEndOfDay: false, problems);
        var to = ReadClock(window.To, $"{at}.to", allowEndOfDay: true, problems);
        return new DutyWindow(nights, from, to);
    }

    private static TimeZoneInfo ReadTimeZone(string? id, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            problems.Add("timeZone is missing");
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            problems.Add($"timeZone '{id}' is not a known time zone");
            return TimeZoneInfo.Utc;
        }
    }

    private static TimeOnly ReadClock(string? text, string at, bool allowEndOfDay, List<string> problems)
    {
        if (RoutingWorld.TryParseClock(text, allowEndOfDay, out var time))
        {
            return time;
        }

        problems.Add(text is null
            ? $"{at} is missing"
            : $"{at} '{text}' is not a time of day as HH:mm{(allowEndOfDay ? " (or 24:00)" : string.Empty)}");
        return TimeOnly.MinValue;
    }

    private static Priority ReadPriority(string? text, string at, List<string> problems)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "NORMAL":
                return Priority.Normal;
            case "HIGH":
                return Priority.High;
            case "URGENT":
                return Priority.Urgent;
            default:
                problems.Add($"{at} '{text}' is not 'normal', 'high' or 'urgent'");
                return Priority.Normal;
        }
    }

    private static string Required(string? value, string at, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{at} is missing or empty");
            return string.Empty;
        }

        return value.Trim();
    }

    // A missing id is noted and read as the default id, which names nothing, so that every problem is listed at once.
    private static TId RequiredId<TId>(string? value, string at, List<string> problems)
        where TId : struct, IWorldId<TId>
    {
        var text = Required(value, at, problems);
        return text.Length == 0 ? default : TId.From(text);
    }

    private static List<TId> Ids<TId>(List<string?>? values, string at, List<string> problems, bool required)
        where TId : struct, IWorldId<TId> =>
        Strings(values, at, problems, required).Select(TId.From).ToList();

    private static List<string> Strings(List<string?>? values, string at, List<string> problems, bool required)
    {
        if (values is null || values.Count == 0)
        {
            if (required)
            {
                problems.Add($"{at} is missing or empty");
            }

            return [];
        }

        var result = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                problems.Add($"{at}[{i}] is empty");
            }
            else
            {
                result.Add(values[i]!.Trim());
            }
        }

        return result;
    }

    private static List<TResult> ReadList<TItem, TResult>(
        List<TItem?>? items, string at, List<string> problems, Func<TItem, string, TResult> read)
        where TItem : class
    {
        if (items is null || items.Count == 0)
        {
            problems.Add($"{at} is missing or empty");
            return [];
        }

        var result = new List<TResult>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is { } item)
            {
                result.Add(read(item, $"{at}[{i}]"));
            }
            else
            {
                problems.Add($"{at}[{i}] is null");
            }
        }

        return result;
    }

    private static Dictionary<string, DayOfWeek> BuildDayNames()
    {
        var names = new Dictionary<string, DayOfWeek>(StringComparer.OrdinalIgnoreCase);
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            var full = day.ToString();
            names[full] = day;
            names[full[..3]] = day;
        }

        return names;
    }
}
