using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using NightSafe.Cli.Control;

namespace NightSafe.Cli.Commands;

/// <summary>`nightsafe roster list|add|remove|import`: the officer roster of a running hub (offline or deployed).</summary>
public static class RosterCommand
{
    public static Command Create(Option<string?> statePath)
    {
        var hub = new HubOptions();

        var list = new Command("list", "List the officers on the roster (phones masked).");
        list.SetAction((parse, ct) => hub.RunAsync(parse, statePath, client => ListAsync(client, ct), ct));

        var collar = new Option<string>("--collar") { Description = "Collar number.", Required = true }
            .Accepting(text => text.Trim().Length is > 0 and <= 16 && text.Trim().All(char.IsAsciiLetterOrDigit), "letters and digits, 1 to 16");
        var name = new Option<string>("--name") { Description = "Name as the control room knows them.", Required = true };
        var town = new Option<string>("--town") { Description = "Town id or name from routing.json.", Required = true };
        var phone = new Option<string>("--phone") { Description = "The phone they text from (any UK format).", Required = true }
            .Accepting(text => Core.Phones.UkPhoneNumber.TryNormalise(text, out _), "a UK mobile number such as 07700 900123");
        var supervisor = new Option<bool>("--supervisor") { Description = "A supervisor: may see and close their town's referrals." };
        var add = new Command("add", "Add an officer (or update the one with that phone).") { collar, name, town, phone, supervisor };
        add.SetAction((parse, ct) => hub.RunAsync(
            parse, statePath,
            client => ChangeAsync(client.PostJsonAsync("control/roster", new { collar = parse.GetValue(collar), name = parse.GetValue(name), town = parse.GetValue(town), phone = parse.GetValue(phone), supervisor = parse.GetValue(supervisor) }, ct), "added"),
            ct));

        var who = new Argument<string>("collar") { Description = "The collar number of the officer to deactivate." };
        var remove = new Command("remove", "Deactivate an officer: their phone can no longer refer.") { who };
        remove.SetAction((parse, ct) => hub.RunAsync(parse, statePath, client => ChangeAsync(client.DeleteAsync("control/roster/" + Uri.EscapeDataString(parse.GetValue(who)!), ct), "deactivated"), ct));

        var file = new Argument<FileInfo>("file") { Description = "A CSV with the header collar,name,town,phone,supervisor." };
        var import = new Command("import", "Import officers from a CSV; one bad line imports nothing.") { file };
        import.SetAction(async (parse, ct) =>
        {
            var csv = parse.GetValue(file)!;
            if (!csv.Exists)
            {
                await Console.Error.WriteLineAsync($"No such file: {csv.FullName}");
                return NightSafeCommandLine.Refused;
            }

            var text = await File.ReadAllTextAsync(csv.FullName, ct);
            return await hub.RunAsync(parse, statePath, client => ChangeAsync(client.PostCsvAsync("control/roster/import", text, ct), "imported"), ct);
        });

        var command = new Command("roster", "The officer roster of a running hub: who may text referrals. The hub records each change as made by the control room's key (offline) or the signed-in person.") { list, add, remove, import };
        hub.AddTo(command);
        return command;
    }

    private static async Task<int> ListAsync(ControlRoomClient client, CancellationToken cancellationToken)
    {
        var (status, body) = await client.GetAsync("control/roster", cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            await Console.Error.WriteLineAsync(ControlRoomClient.Problem(status, body));
            return 1;
        }

        var officers = (body?["officers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        Console.WriteLine($"{officers.Count} officer(s) on the roster of {client.BaseUrl}");
        Console.WriteLine($"{"collar",-10} {"name",-24} {"town",-14} {"phone",-16} {"role",-10} state");
        foreach (var o in officers)
        {
            Console.WriteLine(Line(o));
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

        var officers = (body?["officers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        Console.WriteLine($"{officers.Count} officer(s) {verb}:");
        foreach (var o in officers)
        {
            Console.WriteLine(Line(o));
        }

        return 0;
    }

    private static string Line(JsonObject o) =>
        $"{Text(o, "collar"),-10} {Text(o, "name"),-24} {Text(o, "town"),-14} {Text(o, "phone"),-16} {(o["supervisor"]?.GetValue<bool>() == true ? "supervisor" : "officer"),-10} {(o["active"]?.GetValue<bool>() == true ? "active" : "inactive")}";

    private static string Text(JsonObject o, string name) => o[name]?.GetValue<string>() ?? string.Empty;
}
