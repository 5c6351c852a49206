using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using NightSafe.Cli.Control;
using NightSafe.Core.Phones;

namespace NightSafe.Cli.Commands;

/// <summary>`nightsafe duty-phones list|add|remove`: the partner duty phones of a running hub (offline or deployed).</summary>
public static class DutyPhonesCommand
{
    public static Command Create(Option<string?> statePath)
    {
        var hub = new HubOptions();

        var only = new Option<string?>("--agency") { Description = "Only this agency's phones (an agency id from routing.json)." }.Accepting(OptionRules.IsId, "an agency id such as street-pastors-chelmsford");
        var list = new Command("list", "List every agency's duty phones (masked), with their ids and where each comes from.") { only };
        list.SetAction((parse, ct) => hub.RunAsync(parse, statePath, client => ListAsync(client, parse.GetValue(only), ct), ct));

        var agency = new Argument<string>("agency") { Description = "The agency id from routing.json, e.g. street-pastors-chelmsford." };
        var phone = new Argument<string>("phone") { Description = "The phone (any UK format)." };
        var add = new Command("add", "Put a phone on duty for an agency: it gets the agency's case alerts and may answer its cases by SMS.") { agency, phone };
        add.SetAction((parse, ct) => hub.RunAsync(parse, statePath, client => ChangeAsync(client.PostJsonAsync("control/duty-phones", new { agency = parse.GetValue(agency), phone = parse.GetValue(phone) }, ct), "added"), ct));

        var removedAgency = new Argument<string>("agency") { Description = "The agency id." };
        var which = new Argument<string>("phone-or-id") { Description = "The phone (any UK format) or its id from `duty-phones list`." };
        var remove = new Command("remove", "Take a phone off duty: no more case alerts, and its texts no longer answer the agency's cases.") { removedAgency, which };
        remove.SetAction((parse, ct) =>
        {
            var given = parse.GetValue(which)!.Trim();
            var agencyId = parse.GetValue(removedAgency)!;
            // The number never travels in a URL, and only the hub can turn it into its id (keyed with its pepper): a
            // phone goes in the body of a removal, an id from `duty-phones list` in the URL.
            return hub.RunAsync(
                parse,
                statePath,
                client => ChangeAsync(
                    UkPhoneNumber.TryNormalise(given, out _)
                        ? client.PostJsonAsync("control/duty-phones/removals", new { agency = agencyId, phone = given }, ct)
                        : client.DeleteAsync($"control/duty-phones/{Uri.EscapeDataString(agencyId)}/{Uri.EscapeDataString(given)}", ct),
                    "removed"),
                ct);
        });

        var command = new Command("duty-phones", "The partner duty phones of a running hub: who gets each agency's case alerts by SMS. routing.json's phones stand until an agency's first change.") { list, add, remove };
        hub.AddTo(command);
        return command;
    }

    private static async Task<int> ListAsync(ControlRoomClient client, string? agency, CancellationToken cancellationToken)
    {
        var (status, body) = await client.GetAsync("control/duty-phones" + (string.IsNullOrWhiteSpace(agency) ? string.Empty : "?agency=" + Uri.EscapeDataString(agency)), cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            await Console.Error.WriteLineAsync(ControlRoomClient.Problem(status, body));
            return 1;
        }

        var phones = (body?["phones"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        Console.WriteLine($"{phones.Count(p => p["active"]?.GetValue<bool>() == true)} duty phone(s) on duty at {client.BaseUrl}");
        Console.WriteLine($"{"agency",-30} {"phone",-16} {"id",-16} {"state",-8} from");
        foreach (var p in phones)
        {
            Console.WriteLine(Line(p));
        }

        return 0;
    }

    private static async Task<int> ChangeAsync(Task<(HttpStatusCode Status, JsonObject? Body)> call, string verb)
    {
        var (status, body) = await call;
        if (status is not (HttpStatusCode.OK or HttpStatusCode.Created))
        {
            await Console.Error.WriteLineAsync(ControlRoomClient.Problem(status, body));
            return 1;
        }

        foreach (var p in (body?["phones"] as JsonArray ?? []).OfType<JsonObject>())
        {
            Console.WriteLine($"Duty phone {verb}: {Line(p)}");
        }

        return 0;
    }

    private static string Line(JsonObject p) =>
        $"{Text(p, "agencyId"),-30} {Text(p, "maskedPhone"),-16} {Text(p, "id"),-16} {(p["active"]?.GetValue<bool>() == true ? "on duty" : "removed"),-8} {Text(p, "source")}";

    private static string Text(JsonObject o, string name) => o[name]?.GetValue<string>() ?? string.Empty;
}
