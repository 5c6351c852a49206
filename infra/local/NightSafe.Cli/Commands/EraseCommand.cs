using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using NightSafe.Cli.Control;

namespace NightSafe.Cli.Commands;

/// <summary>
/// `nightsafe erase referral NIGHT REF` and `nightsafe erase phone NUMBER`: erasure on request through the control-room
/// API of a running hub (offline or deployed). The number goes in the request body and is printed masked.
/// </summary>
public static class EraseCommand
{
    public static Command Create(Option<string?> statePath)
    {
        var hub = new HubOptions();

        var night = new Argument<string>("night") { Description = "The referral's night, yyyy-MM-dd." };
        var reference = new Argument<string>("reference") { Description = "The referral's reference, e.g. 7KQ2MX." };
        var referral = new Command("referral", "Erase one referral's personal data now (location, description, the person's phone, case views, notes; its Twilio records).") { night, reference };
        referral.SetAction((parse, ct) => hub.RunAsync(
            parse,
            statePath,
            async client => Print(await client.PostJsonAsync($"control/referrals/{Uri.EscapeDataString(parse.GetValue(night)!)}/{Uri.EscapeDataString(parse.GetValue(reference)!)}/erasure", new { }, ct), single: true),
            ct));

        var phone = new Argument<string>("phone") { Description = "The person's phone (any UK format): every referral whose subject it was is erased." };
        var byPhone = new Command("phone", "Erase every referral holding the person's phone number (not officers' or duty phones).") { phone };
        byPhone.SetAction((parse, ct) => hub.RunAsync(
            parse,
            statePath,
            async client => Print(await client.PostJsonAsync("control/erasures/phone", new { phone = parse.GetValue(phone) }, ct), single: false),
            ct));

        var command = new Command("erase", "Erasure on request (right to erasure): one referral, or every referral holding a person's phone.") { referral, byPhone };
        hub.AddTo(command);
        return command;
    }

    private static int Print((HttpStatusCode Status, JsonObject? Body) answer, bool single)
    {
        var (status, body) = answer;
        if (status != HttpStatusCode.OK)
        {
            Console.Error.WriteLine(ControlRoomClient.Problem(status, body));
            return 1;
        }

        if (single)
        {
            Console.WriteLine(Line(body));
            return 0;
        }

        var referrals = (body?["referrals"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        Console.WriteLine($"{body?["erased"]} referral(s) holding {body?["phone"]} erased (nights {body?["fromNight"]} to {body?["toNight"]})");
        foreach (var r in referrals)
        {
            Console.WriteLine("  " + Line(r));
        }

        return 0;
    }

    private static string Line(JsonObject? r) =>
        $"{r?["night"]}/{r?["reference"]}: {r?["outcome"]} at {r?["erasedAt"]}, {r?["providerMessages"]} Twilio record(s) listed for deletion";
}
