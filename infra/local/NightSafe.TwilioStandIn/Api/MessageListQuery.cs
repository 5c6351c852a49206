using System.Globalization;
using System.Text;

namespace NightSafe.TwilioStandIn;

/// <summary>One page of a message list, with Twilio's paging links.</summary>
internal sealed record MessagePage(
    IReadOnlyList<SentMessage> Messages, int Page, int PageSize, int Start, string Uri, string FirstPageUri, string? NextPageUri, string? PreviousPageUri);

/// <summary>A DateSent filter: a whole day (the usual form) or an instant when a time of day was given.</summary>
internal sealed record DateSentFilter(DateOnly? Day, DateTimeOffset? Instant)
{
    /// <summary>Accepts <c>YYYY-MM-DD</c> and ISO 8601 timestamps (the SDK sends <c>yyyy-MM-ddTHH:mm:ssZ</c>); a midnight timestamp means the day.</summary>
    public static DateSentFilter? Parse(string value)
    {
        // "DateSent<=2026-12-18" arrives as name "DateSent<" and value "=2026-12-18".
        var text = value.TrimStart('=').Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateSentFilter(day, null);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return instant.TimeOfDay == TimeSpan.Zero
                ? new DateSentFilter(DateOnly.FromDateTime(instant.UtcDateTime), null)
                : new DateSentFilter(null, instant);
        }

        return null;
    }

    public bool On(DateTimeOffset sent) => DayOf(sent) == (Day ?? DateOnly.FromDateTime(Instant!.Value.UtcDateTime));

    public bool OnOrBefore(DateTimeOffset sent) => Day is { } day ? DayOf(sent) <= day : sent <= Instant!.Value;

    public bool OnOrAfter(DateTimeOffset sent) => Day is { } day ? DayOf(sent) >= day : sent >= Instant!.Value;

    private static DateOnly DayOf(DateTimeOffset value) => DateOnly.FromDateTime(value.UtcDateTime);
}

/// <summary>The filters and paging of <c>GET Messages.json</c>, as the Twilio SDK sends them.</summary>
internal sealed record MessageListQuery(
    string? To, string? From, string? DateSent, string? DateSentBefore, string? DateSentAfter, int PageSize, int Page, string? PageToken)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    /// <summary>Reads the query string; returns an error for a malformed filter or page size.</summary>
    public static (MessageListQuery? Query, TwilioError? Error) Parse(Func<string, string?> parameter)
    {
        var pageSize = DefaultPageSize;
        if (parameter("PageSize") is { } pageSizeText
            && (!int.TryParse(pageSizeText, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1))
        {
            return (null, new TwilioError(400, 20001, "Invalid PageSize"));
        }

        var page = 0;
        if (parameter("Page") is { } pageText
            && (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 0))
        {
            return (null, new TwilioError(400, 20001, "Invalid Page"));
        }

        var query = new MessageListQuery(
            Blank(parameter("To")), Blank(parameter("From")), Blank(parameter("DateSent")), Blank(parameter("DateSent<")),
            Blank(parameter("DateSent>")), Math.Min(pageSize, MaxPageSize), page, Blank(parameter("PageToken")));

        foreach (var (name, value) in query.DateFilters())
        {
            if (value is not null && DateSentFilter.Parse(value) is null)
            {
                return (null, new TwilioError(400, 20001, $"Invalid {name}: {value}"));
            }
        }

        return (query, null);
    }

    public bool Matches(SentMessage message)
    {
        if (To is not null && !string.Equals(message.To, To, StringComparison.Ordinal))
        {
            return false;
        }

        if (From is not null && !string.Equals(message.From, From, StringComparison.Ordinal))
        {
            return false;
        }

        if (DateSent is null && DateSentBefore is null && DateSentAfter is null)
        {
            return true;
        }

        // A message not yet sent has no date_sent, so no date filter matches it.
        if (message.SentAt is not { } sent)
        {
            return false;
        }

        return (DateSent is null || DateSentFilter.Parse(DateSent)!.On(sent))
            && (DateSentBefore is null || DateSentFilter.Parse(DateSentBefore)!.OnOrBefore(sent))
            && (DateSentAfter is null || DateSentFilter.Parse(DateSentAfter)!.OnOrAfter(sent));
    }

    /// <summary>
    /// The requested page of <paramref name="newestFirst"/>. Page tokens name the last (PA) or first (PB) SID of the
    /// neighbouring page, so paging stays stable while new messages arrive.
    /// </summary>
    public (MessagePage? Page, TwilioError? Error) Select(IReadOnlyList<SentMessage> newestFirst, string accountSid)
    {
        var matching = newestFirst.Where(Matches).ToList();
        int start;
        if (PageToken is null)
        {
            start = (int)Math.Min((long)Page * PageSize, matching.Count);
        }
        else
        {
            var anchor = PageToken.Length > 2 ? matching.FindIndex(m => m.Sid == PageToken[2..]) : -1;
            if (anchor < 0 || !(PageToken.StartsWith("PA", StringComparison.Ordinal) || PageToken.StartsWith("PB", StringComparison.Ordinal)))
            {
                return (null, new TwilioError(400, 20001, $"Invalid PageToken: {PageToken}"));
            }

            start = PageToken.StartsWith("PA", StringComparison.Ordinal) ? anchor + 1 : Math.Max(0, anchor - PageSize);
        }

        var records = matching.Skip(start).Take(PageSize).ToList();
        var next = start + records.Count < matching.Count ? PageUri(accountSid, Page + 1, "PA" + records[^1].Sid) : null;
        var previous = start > 0 && records.Count > 0 ? PageUri(accountSid, Math.Max(0, Page - 1), "PB" + records[0].Sid) : null;
        return (new MessagePage(records, Page, PageSize, start, PageUri(accountSid, Page, PageToken), PageUri(accountSid, 0, null), next, previous), null);
    }

    private IEnumerable<(string Name, string? Value)> DateFilters() =>
        [("DateSent", DateSent), ("DateSent<", DateSentBefore), ("DateSent>", DateSentAfter)];

    private string PageUri(string accountSid, int page, string? pageToken)
    {
        var uri = new StringBuilder($"/{TwilioJson.ApiVersion}/Accounts/{accountSid}/Messages.json?");
        foreach (var (name, value) in new[] { ("To", To), ("From", From) }.Concat(DateFilters()))
        {
            if (value is not null)
            {
                uri.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
            }
        }

        uri.Append(CultureInfo.InvariantCulture, $"PageSize={PageSize}&Page={page}");
        if (pageToken is not null)
        {
            uri.Append("&PageToken=").Append(Uri.EscapeDataString(pageToken));
        }

        return uri.ToString();
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
