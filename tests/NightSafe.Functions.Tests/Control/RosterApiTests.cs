using System.Net;
using System.Text.Json;
using NightSafe.Functions.Control;
using NightSafe.Functions.Http;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Tests.Doubles;

namespace NightSafe.Functions.Tests.Control;

[Collection(LocalHubGroup.Name)]
public sealed class RosterApiTests(LocalHub hub)
{
    // Offline the control room is its key; in Azure the principal App Service Authentication signed in.
    private const string Actor = "control-room:control-room key";

    private TestHttpRequestData Request(string method, string path, string? body = null, string contentType = "application/json", string? key = "")
    {
        var request = new TestHttpRequestData(hub.Context(), method, new Uri("http://127.0.0.1/api/" + path), body, contentType);
        if (key is not null)
        {
            request.Headers.Add(ControlRoomIdentity.KeyHeader, key.Length == 0 ? hub.ControlRoomKey : key);
        }

        return request;
    }

    [Fact]
    public async Task Without_the_control_rooms_key_the_roster_is_neither_read_nor_changed()
    {
        var collar = "U" + Random.Shared.Next(10000, 99999);
        var roster = hub.Function<RosterApi>();

        var (list, _) = await roster.ListAsync(Request("GET", "control/roster", key: null), hub.Context()).ReadAsync();
        var (add, _) = await roster.AddAsync(Request("POST", "control/roster", JsonSerializer.Serialize(new { collar, name = "PC X", town = "harlow", phone = "07700 900589" }), key: "wrong"), hub.Context()).ReadAsync();
        var (import, _) = await roster.ImportAsync(Request("POST", "control/roster/import", $"collar,name,town,phone,supervisor\n{collar},PC X,Harlow,07700 900589,no\n", "text/csv", key: null), hub.Context()).ReadAsync();
        var (remove, _) = await roster.DeactivateAsync(Request("DELETE", "control/roster/PC4107", key: null), "PC4107", hub.Context()).ReadAsync();
        var (changes, _) = await roster.ChangesAsync(Request("GET", "control/roster/changes", key: null), hub.Context()).ReadAsync();
        var (_, listed) = await roster.ListAsync(Request("GET", "control/roster"), hub.Context()).ReadAsync();

        Assert.Equal([HttpStatusCode.Unauthorized], new[] { list, add, import, remove, changes }.Distinct());
        Assert.DoesNotContain(collar, listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_added_officer_can_refer_the_list_masks_the_phone_and_the_change_names_who_made_it()
    {
        var phone = "07700 900" + Random.Shared.Next(600, 700);
        var collar = "T" + Random.Shared.Next(10000, 99999);
        var (stranger, _) = await hub.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(hub, ToE164(phone), "Chelmsford alone High St consent n"), hub.Context()).ReadAsync();

        var (added, addedBody) = await hub.Function<RosterApi>().AddAsync(
            Request("POST", "control/roster", JsonSerializer.Serialize(new { collar, name = "PC Test", town = "Chelmsford", phone, supervisor = true })),
            hub.Context()).ReadAsync();
        var (_, reply) = await hub.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(hub, ToE164(phone), "Chelmsford alone High St consent n"), hub.Context()).ReadAsync();
        var (listed, list) = await hub.Function<RosterApi>().ListAsync(Request("GET", "control/roster"), hub.Context()).ReadAsync();
        var (_, changes) = await hub.Function<RosterApi>().ChangesAsync(Request("GET", "control/roster/changes"), hub.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.OK, stranger);
        Assert.Equal(HttpStatusCode.Created, added);
        Assert.Matches("ref [0-9A-Z]{6}", reply);
        Assert.Equal(HttpStatusCode.OK, listed);
        var entry = JsonDocument.Parse(list).RootElement.GetProperty("officers").EnumerateArray().Single(o => o.GetProperty("collar").GetString() == collar);
        Assert.True(entry.GetProperty("supervisor").GetBoolean());
        Assert.Equal("chelmsford", entry.GetProperty("town").GetString());
        var digits = ToE164(phone);
        Assert.DoesNotContain(digits, list, StringComparison.Ordinal);
        Assert.DoesNotContain(digits[3..], list, StringComparison.Ordinal);
        Assert.DoesNotContain(digits[3..], addedBody, StringComparison.Ordinal);
        Assert.DoesNotContain(digits[3..], changes, StringComparison.Ordinal);
        var change = JsonDocument.Parse(changes).RootElement.GetProperty("changes").EnumerateArray().First(c => c.GetProperty("collar").GetString() == collar);
        Assert.Equal(Actor, change.GetProperty("actor").GetString());
        Assert.Equal("added", change.GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_deactivated_officer_gets_the_strangers_reply_and_the_deactivation_is_audited()
    {
        var phone = "07700 900" + Random.Shared.Next(700, 800);
        var collar = "D" + Random.Shared.Next(10000, 99999);
        await hub.Function<RosterApi>().AddAsync(Request("POST", "control/roster", JsonSerializer.Serialize(new { collar, name = "PC Gone", town = "harlow", phone })), hub.Context()).ReadAsync();

        var (removed, _) = await hub.Function<RosterApi>().DeactivateAsync(Request("DELETE", "control/roster/" + collar), collar.ToLowerInvariant(), hub.Context()).ReadAsync();
        var (again, _) = await hub.Function<RosterApi>().DeactivateAsync(Request("DELETE", "control/roster/" + collar), collar, hub.Context()).ReadAsync();
        var (_, reply) = await hub.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(hub, ToE164(phone), "Harlow alone Water Gardens consent n"), hub.Context()).ReadAsync();
        var (_, changes) = await hub.Function<RosterApi>().ChangesAsync(Request("GET", "control/roster/changes"), hub.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.OK, removed);
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.DoesNotMatch("ref [0-9A-Z]{6}", reply);
        // The add and the deactivation can share one clock tick, so their order is not asserted: only that both are there.
        var audited = JsonDocument.Parse(changes).RootElement.GetProperty("changes").EnumerateArray()
            .Where(c => c.GetProperty("collar").GetString() == collar).ToList();
        Assert.Equal(["added", "deactivated"], audited.Select(c => c.GetProperty("action").GetString()).Order(StringComparer.Ordinal));
        Assert.All(audited, c => Assert.Equal(Actor, c.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task A_csv_import_with_one_bad_line_imports_nothing_and_names_the_line_a_good_one_imports_every_officer()
    {
        var a = "I" + Random.Shared.Next(10000, 99999);
        var b = "J" + Random.Shared.Next(10000, 99999);
        var bad = $"collar,name,town,phone,supervisor\n{a},PC One,Grays,07700 900801,no\n{b},PC Two,Atlantis,07700 900802,yes\n";
        var good = $"Collar,Name,Town,Phone,Supervisor\r\n{a},\"One, PC\",Grays,07700 900801,no\r\n{b},PC Two,basildon,+447700900802,yes\r\n";

        var (refused, problem) = await hub.Function<RosterApi>().ImportAsync(Request("POST", "control/roster/import", bad, "text/csv"), hub.Context()).ReadAsync();
        var (_, listBefore) = await hub.Function<RosterApi>().ListAsync(Request("GET", "control/roster"), hub.Context()).ReadAsync();
        var (imported, body) = await hub.Function<RosterApi>().ImportAsync(Request("POST", "control/roster/import", good, "text/csv"), hub.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal(["line 3.town"], JsonDocument.Parse(problem).RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.DoesNotContain(a, listBefore, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, imported);
        var officers = JsonDocument.Parse(body).RootElement.GetProperty("officers").EnumerateArray().ToList();
        Assert.Equal([a, b], officers.Select(o => o.GetProperty("collar").GetString()));
        Assert.Equal("One, PC", officers[0].GetProperty("name").GetString());
        Assert.DoesNotContain("900801", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_officer_gets_400_naming_each_field()
    {
        var (status, body) = await hub.Function<RosterApi>().AddAsync(
            Request("POST", "control/roster", """{"collar":"","name":"PC X","town":"Atlantis","phone":"12345"}"""),
            hub.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["collar", "phone", "town"], JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    private static string ToE164(string uk) => "+44" + uk.Replace(" ", string.Empty, StringComparison.Ordinal)[1..];
}
