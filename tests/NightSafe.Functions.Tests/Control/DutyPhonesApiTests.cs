using System.Net;
using System.Security;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Intake;
using NightSafe.Core.Partners;
using NightSafe.Functions.Control;
using NightSafe.Functions.Http;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Tests.Doubles;

namespace NightSafe.Functions.Tests.Control;

/// <summary>The control room's duty-phone endpoints over Azurite: masked lists, audited changes, texts that follow the store.</summary>
[Collection(LocalHubGroup.Name)]
public sealed class DutyPhonesApiTests(LocalHub hub)
{
    // An agency whose town no other test of this collection refers in, so its extra phone surprises no one.
    private const string Agency = "street-pastors-braintree";
    private const string Actor = "control-room:control-room key";

    private DutyPhoneBook Ids => hub.Services.GetRequiredService<DutyPhoneBook>();

    private TestHttpRequestData Request(string method, string path, string? body = null, string? key = "")
    {
        var request = new TestHttpRequestData(hub.Context(), method, new Uri("http://127.0.0.1/api/" + path), body, body is null ? null : "application/json");
        if (key is not null)
        {
            request.Headers.Add(ControlRoomIdentity.KeyHeader, key.Length == 0 ? hub.ControlRoomKey : key);
        }

        return request;
    }

    [Fact]
    public async Task An_added_duty_phone_answers_for_its_agency_until_it_is_removed_and_no_answer_shows_the_full_number()
    {
        var phone = "+4477009005" + Random.Shared.Next(10, 99);
        var api = hub.Function<DutyPhonesApi>();

        var (_, stranger) = await TextAsync(phone, "HELP");
        var (added, addedBody) = await api.AddAsync(Request("POST", "control/duty-phones", JsonSerializer.Serialize(new { agency = Agency, phone = "0" + phone[3..] })), hub.Context()).ReadAsync();
        // The id is the hub's to give (keyed with its pepper): it comes in the answer.
        var id = JsonDocument.Parse(addedBody).RootElement.GetProperty("phones")[0].GetProperty("id").GetString()!;
        var (listed, list) = await api.ListAsync(Request("GET", "control/duty-phones?agency=" + Agency), hub.Context()).ReadAsync();
        var (_, onDuty) = await TextAsync(phone, "HELP");
        var (removed, removedBody) = await api.RemoveAsync(Request("DELETE", $"control/duty-phones/{Agency}/{id}"), Agency, id, hub.Context()).ReadAsync();
        var (again, _) = await api.RemoveAsync(Request("DELETE", $"control/duty-phones/{Agency}/{id}"), Agency, id, hub.Context()).ReadAsync();
        var (_, offDuty) = await TextAsync(phone, "HELP");
        var (_, all) = await api.ListAsync(Request("GET", "control/duty-phones"), hub.Context()).ReadAsync();
        var (_, changes) = await api.ChangesAsync(Request("GET", "control/duty-phones/changes"), hub.Context()).ReadAsync();

        Assert.Contains(SecurityElement.Escape(OfficerReplies.Neutral), stranger, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, added);
        Assert.Equal(HttpStatusCode.OK, listed);
        var phones = JsonDocument.Parse(list).RootElement.GetProperty("phones").EnumerateArray().ToList();
        Assert.All(phones, p => Assert.Equal(Agency, p.GetProperty("agencyId").GetString()));
        Assert.Contains(phones, p => p.GetProperty("id").GetString() == id && p.GetProperty("active").GetBoolean());
        // The seed phone stays on duty: the first change copied it into the store.
        Assert.Contains(phones, p => p.GetProperty("id").GetString() == Ids.IdFor(hub.World.AgencyNamed(Agency)!.Phone) && p.GetProperty("active").GetBoolean());
        Assert.Contains("NightSafe:", onDuty, StringComparison.Ordinal);
        Assert.DoesNotContain(SecurityElement.Escape(OfficerReplies.Neutral), onDuty, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, removed);
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Contains(SecurityElement.Escape(OfficerReplies.Neutral), offDuty, StringComparison.Ordinal);
        Assert.Contains(JsonDocument.Parse(all).RootElement.GetProperty("phones").EnumerateArray(), p => p.GetProperty("agencyId").GetString() == "street-pastors-chelmsford" && p.GetProperty("source").GetString() == "routing.json");
        foreach (var body in new[] { addedBody, list, removedBody, all, changes })
        {
            Assert.DoesNotContain(phone[3..], body, StringComparison.Ordinal);
        }

        var audited = JsonDocument.Parse(changes).RootElement.GetProperty("changes").EnumerateArray()
            .Where(c => c.GetProperty("agencyId").GetString() == Agency && c.GetProperty("maskedPhone").GetString()!.EndsWith(phone[^3..], StringComparison.Ordinal))
            .Select(c => (Action: c.GetProperty("action").GetString(), Actor: c.GetProperty("actor").GetString())).ToList();
        Assert.Equal(["added", "removed"], audited.Select(c => c.Action).Order(StringComparer.Ordinal));
        Assert.All(audited, c => Assert.Equal(Actor, c.Actor));
    }

    [Fact]
    public async Task Without_the_control_rooms_key_duty_phones_are_neither_read_nor_changed_and_a_bad_phone_is_400()
    {
        var api = hub.Function<DutyPhonesApi>();
        var body = JsonSerializer.Serialize(new { agency = Agency, phone = "07700 900598" });

        var (list, _) = await api.ListAsync(Request("GET", "control/duty-phones", key: null), hub.Context()).ReadAsync();
        var (add, _) = await api.AddAsync(Request("POST", "control/duty-phones", body, key: "wrong"), hub.Context()).ReadAsync();
        var (remove, _) = await api.RemoveAsync(Request("DELETE", $"control/duty-phones/{Agency}/x", key: null), Agency, "x", hub.Context()).ReadAsync();
        var (changes, _) = await api.ChangesAsync(Request("GET", "control/duty-phones/changes", key: null), hub.Context()).ReadAsync();
        var (bad, problem) = await api.AddAsync(Request("POST", "control/duty-phones", """{"agency":"atlantis","phone":"12"}"""), hub.Context()).ReadAsync();
        var (_, listed) = await api.ListAsync(Request("GET", "control/duty-phones?agency=" + Agency), hub.Context()).ReadAsync();

        Assert.Equal([HttpStatusCode.Unauthorized], new[] { list, add, remove, changes }.Distinct());
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal(["agency", "phone"], JsonDocument.Parse(problem).RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Ids.IdFor("+447700900598"), listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duty_phones_id_is_keyed_with_the_pepper_so_its_number_cannot_be_hashed_into_it()
    {
        var api = hub.Function<DutyPhonesApi>();
        var seed = hub.World.AgencyNamed(Agency)!.Phone;

        var (_, list) = await api.ListAsync(Request("GET", "control/duty-phones?agency=" + Agency), hub.Context()).ReadAsync();

        var ids = JsonDocument.Parse(list).RootElement.GetProperty("phones").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToList();
        Assert.NotEmpty(ids);
        // Anyone can hash every UK mobile number; without the pepper no number's hash, whole or cut short, is an id.
        var plain = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)));
        Assert.All(ids, id => Assert.DoesNotContain(id, plain, StringComparison.OrdinalIgnoreCase));
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{16}$", id));
    }

    [Fact]
    public async Task A_duty_phone_is_removed_by_its_number_in_the_body_and_the_answer_gives_its_id_not_the_number()
    {
        var phone = "+4477009004" + Random.Shared.Next(10, 99);
        var api = hub.Function<DutyPhonesApi>();
        var removal = JsonSerializer.Serialize(new { agency = Agency, phone = "0" + phone[3..] });

        var (_, addedBody) = await api.AddAsync(Request("POST", "control/duty-phones", JsonSerializer.Serialize(new { agency = Agency, phone })), hub.Context()).ReadAsync();
        var (refused, _) = await api.RemoveNumberAsync(Request("POST", "control/duty-phones/removals", removal, key: null), hub.Context()).ReadAsync();
        var (removed, removedBody) = await api.RemoveNumberAsync(Request("POST", "control/duty-phones/removals", removal), hub.Context()).ReadAsync();
        var (again, _) = await api.RemoveNumberAsync(Request("POST", "control/duty-phones/removals", removal), hub.Context()).ReadAsync();
        var (bad, problem) = await api.RemoveNumberAsync(Request("POST", "control/duty-phones/removals", """{"agency":"atlantis","phone":"12"}"""), hub.Context()).ReadAsync();
        var (_, offDuty) = await TextAsync(phone, "HELP");

        var addedId = JsonDocument.Parse(addedBody).RootElement.GetProperty("phones")[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Equal(HttpStatusCode.OK, removed);
        var entry = JsonDocument.Parse(removedBody).RootElement.GetProperty("phones")[0];
        Assert.Equal((addedId, false), (entry.GetProperty("id").GetString(), entry.GetProperty("active").GetBoolean()));
        Assert.DoesNotContain(phone[3..], removedBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal(["agency", "phone"], JsonDocument.Parse(problem).RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Contains(SecurityElement.Escape(OfficerReplies.Neutral), offDuty, StringComparison.Ordinal);
    }

    private Task<(HttpStatusCode Status, string Body)> TextAsync(string from, string body) =>
        hub.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(hub, from, body), hub.Context()).ReadAsync();
}
