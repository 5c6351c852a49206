using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NightSafe.Cli.Partners;

/// <summary>One case of a referral as the control room sees it (when it went out and when the agency took it on).</summary>
public sealed record CaseView(string Agency, string Status, IReadOnlyList<string> Fields, DateTimeOffset? DisclosedAt = null, DateTimeOffset? AcceptedAt = null);

/// <summary>One line of a referral's audit trail: its kind, time, and the agency and reason it names.</summary>
public sealed record TrailEntry(string Kind, DateTimeOffset At, string? Agency, string? Status, string? Reason);

/// <summary>A referral as GET /api/referrals/{night}/{reference} returns it (the parts the demo checks).</summary>
public sealed record ReferralView(
    string Night,
    string Reference,
    string Status,
    string Town,
    IReadOnlyList<string> Categories,
    string Consent,
    string? SubjectPhone,
    bool Flagged,
    string AdviceState,
    string? AdviceMessageId,
    string? AdviceError,
    IReadOnlyList<CaseView> Cases,
    bool WasRouted = true)
{
    /// <summary>urgent, high or normal: which acknowledgement deadline its cases have.</summary>
    public string Priority { get; init; } = "normal";

    /// <summary>When it was closed (by an officer or a partner), or null while open.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The partner loop's part of the audit trail: reminders, escalations, cancellations, outcomes, the close.</summary>
    public IReadOnlyList<TrailEntry> Trail { get; init; } = [];

    /// <summary>Closed, or waiting for the control room to route it by hand: nothing more will happen by itself.</summary>
    public bool IsTerminal => Status is "Closed" or "NeedsManualRouting";

    /// <summary>
    /// Closed by an officer before routing finished: no case was published (none recorded, or recorded and withheld
    /// because the CLOSE came before publishing), and routing sends no advice SMS.
    /// </summary>
    public bool ClosedBeforeRouting => Status == "Closed" && (Cases.Count == 0 || !WasRouted);

    /// <summary>The advice SMS (if any) has reached its final state, or will never be sent.</summary>
    public bool AdviceSettled => AdviceState is "NotApplicable" or "OptedOut" or "Delivered" or "Failed" || ClosedBeforeRouting;

    public static ReferralView From(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var advice = json["advice"] as JsonObject;
        return new ReferralView(
            Text(json, "night") ?? string.Empty,
            Text(json, "reference") ?? string.Empty,
            Text(json, "status") ?? string.Empty,
            json["town"]?["id"]?.GetValue<string>() ?? string.Empty,
            [.. (json["categories"] as JsonArray ?? []).Select(c => c?.GetValue<string>() ?? string.Empty)],
            Text(json, "consent") ?? string.Empty,
            Text(json, "subjectPhone"),
            json["flagged"]?.GetValue<bool>() ?? false,
            advice is null ? string.Empty : Text(advice, "state") ?? string.Empty,
            advice is null ? null : Text(advice, "messageId"),
            advice is null ? null : Text(advice, "error"),
            [.. (json["cases"] as JsonArray ?? []).OfType<JsonObject>().Select(c => new CaseView(
                Text(c, "agency") ?? string.Empty,
                Text(c, "status") ?? string.Empty,
                [.. (c["fields"] as JsonArray ?? []).Select(f => f?.GetValue<string>() ?? string.Empty)],
                Instant(c, "disclosedAt"),
                Instant(c, "acceptedAt")))],
            json["routedAt"] is not null)
        {
            Priority = Text(json, "priority") ?? "normal",
            ClosedAt = Instant(json, "closedAt"),
            Trail = [.. (json["trail"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(e => Text(e, "kind") is "reminded" or "escalated" or "cancelled" or "outcome" or "closed")
                .Select(e => new TrailEntry(
                    Text(e, "kind")!,
                    Instant(e, "at") ?? DateTimeOffset.MinValue,
                    e["data"] is JsonObject d ? Text(d, "agency") : null,
                    e["data"] is JsonObject s ? Text(s, "status") : null,
                    e["data"] is JsonObject r ? Text(r, "reason") : null))],
        };
    }

    private static DateTimeOffset? Instant(JsonObject json, string name) =>
        Text(json, name) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private static string? Text(JsonObject json, string name) => json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

/// <summary>The hub's HTTP API as the demo, partners and the control room call it.</summary>
public sealed class HubApi(HttpClient http, Uri baseUrl, string controlRoomKey, string masterKey)
{
    private const string ControlRoomKeyHeader = "X-Control-Room-Key";
    private const string FunctionKeyHeader = "x-functions-key";
    private const string PartnerKeyHeader = "X-Partner-Key";

    public Uri BaseUrl => baseUrl;

    /// <summary>POST /api/partners/{agency}/cases/{night}/{reference}/outcome with the agency's own key.</summary>
    public async Task<HttpStatusCode> ReportOutcomeAsync(string agency, string partnerKey, string night, string reference, string outcome, string? note, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Post,
            new Uri(baseUrl, $"api/partners/{Uri.EscapeDataString(agency)}/cases/{Uri.EscapeDataString(night)}/{Uri.EscapeDataString(reference)}/outcome"))
        {
            Content = JsonContent.Create(new { outcome, note }),
        };
        request.Headers.Add(PartnerKeyHeader, partnerKey);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>GET /api/referrals/{night}/{reference} (control-room key); null when there is no such referral.</summary>
    public async Task<ReferralView?> ReadReferralAsync(string night, string reference, CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync($"api/referrals/{Uri.EscapeDataString(night)}/{Uri.EscapeDataString(reference)}", cancellationToken);
        return json is null ? null : ReferralView.From(json);
    }

    /// <summary>GET /api/referrals/{night}/{reference} as JSON (with its trail; control-room key); null when there is no such referral.</summary>
    public Task<JsonObject?> ReadReferralJsonAsync(string night, string reference, CancellationToken cancellationToken) =>
        GetJsonAsync($"api/referrals/{Uri.EscapeDataString(night)}/{Uri.EscapeDataString(reference)}", cancellationToken);

    /// <summary>GET /api/nights/{night}/summary (control-room key); null until the summary exists.</summary>
    public Task<JsonObject?> ReadSummaryAsync(string night, CancellationToken cancellationToken) =>
        GetJsonAsync($"api/nights/{Uri.EscapeDataString(night)}/summary", cancellationToken);

    /// <summary>GET /api/control/roster (control-room key): the collars of the officers on the roster, active or not.</summary>
    public async Task<IReadOnlyCollection<string>> RosterCollarsAsync(CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync("api/control/roster", cancellationToken) ?? throw new HttpRequestException("GET /api/control/roster answered 404.");
        return [.. (json["officers"] as JsonArray ?? []).Select(o => o?["collar"]?.GetValue<string>() ?? string.Empty)];
    }

    /// <summary>POST /admin/functions/{name} (master key), as the real host runs a non-HTTP function now.</summary>
    public async Task RunFunctionAsync(string name, string input, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, $"admin/functions/{Uri.EscapeDataString(name)}"))
        {
            Content = JsonContent.Create(new { input }),
        };
        request.Headers.Add(FunctionKeyHeader, masterKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new HttpRequestException($"POST /admin/functions/{name} answered {(int)response.StatusCode}, not 202.", null, response.StatusCode);
        }
    }

    private async Task<JsonObject?> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, path));
        // Dossiers and summaries are the control room's: a submitting system's function key does not open them.
        request.Headers.Add(ControlRoomKeyHeader, controlRoomKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET /{path} answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonNode.ParseAsync(body, cancellationToken: cancellationToken) as JsonObject
            ?? throw new JsonException($"GET /{path} did not answer a JSON object.");
    }
}
