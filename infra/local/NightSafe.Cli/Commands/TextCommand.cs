using System.CommandLine;
using NightSafe.Cli.Sms;
using NightSafe.Cli.Stack;
using NightSafe.Core.Phones;
using NightSafe.Core.World;
using NightSafe.LocalStack;

namespace NightSafe.Cli.Commands;

/// <summary>
/// `nightsafe text "&lt;body&gt;" --from &lt;number or agency&gt;`: one SMS, signed as Twilio signs it, to the running
/// stack, and the hub's reply. An officer's number refers and asks; a partner agency's duty phone (or the agency's id,
/// which stands for its first duty phone) answers its cases with ACC / DEC / ATT / DONE &lt;ref&gt;.
/// </summary>
public static class TextCommand
{
    public static Command Create(Option<string?> statePath)
    {
        var body = new Argument<string>("body") { Description = "What is texted, e.g. \"Chelmsford spiked outside Bar 9, female 20s, 07700 900123, consent y\" from an officer, or \"ACC 7KQ2MX\" from a partner." };
        var from = new Option<string>("--from") { Description = "The sender: a number in any UK format (officers on the roster refer; a partner agency's duty phone answers its cases with ACC/DEC/ATT/DONE <ref>), or an agency id from routing.json for that agency's duty phone.", Required = true };
        var command = new Command("text", "Send one SMS, as an officer or as a partner agency's duty phone, to the running stack (`nightsafe up`) and print the reply.") { body, from };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(statePath), parse.GetRequiredValue(body), parse.GetRequiredValue(from), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? statePath, string body, string from, CancellationToken cancellationToken)
    {
        if (Sender(from) is not { } sender)
        {
            await Console.Error.WriteLineAsync($"--from must be a phone number (07700 900001, +447700900001) or an agency id from routing.json (e.g. street-pastors-chelmsford); '{from}' is neither.");
            return NightSafeCommandLine.Refused;
        }

        return await RunningHub.RunAsync(statePath, state => SendAsync(state, body, sender, cancellationToken), cancellationToken);
    }

    private static async Task<int> SendAsync(StackState state, string body, (string Phone, Agency? Agency) sender, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        // Through the stack's Twilio stand-in, as a real phone's text goes through Twilio: it holds the text and the reply.
        var phone = new OfficerPhone(http, state.FunctionsBaseUrl, state.PublicBaseUrl, state.TwilioAccountSid, state.TwilioAuthToken, state.HubNumber)
        {
            StandInUrl = state.TwilioBaseUrl,
        };
        if (sender.Agency is { } agency)
        {
            Console.WriteLine($"Texting as the duty phone of {agency.Name} ({agency.Id}).");
        }

        var reply = await phone.TextAsync(sender.Phone, body, cancellationToken);
        if (!reply.Succeeded)
        {
            await Console.Error.WriteLineAsync(reply.Status == 0
                ? $"The hub gave the Twilio stand-in no answer to POST {new Uri(state.FunctionsBaseUrl, OfficerPhone.Route)} within Twilio's 15 s."
                : $"The hub answered HTTP {(int)reply.Status} to POST {new Uri(state.FunctionsBaseUrl, OfficerPhone.Route)}.");
            return 1;
        }

        Console.WriteLine(reply.Message is { Length: > 0 } message ? message : "(no reply SMS)");
        if (reply.Reference is { } reference)
        {
            Console.WriteLine($"Control room view: curl -s {new Uri(state.FunctionsBaseUrl, $"api/referrals/{state.Night}/{reference}")} -H 'X-Control-Room-Key: {state.ControlRoomKey}'");
        }

        return 0;
    }

    /// <summary>The number to text from (E.164) and the agency whose duty phone it is, if any; null when <paramref name="from"/> is neither a number nor an agency id.</summary>
    public static (string Phone, Agency? Agency)? Sender(string from, RoutingWorld? world = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        world ??= LoadWorld();
        // Any UK format, or an E.164 number as typed (a stranger abroad, say).
        var compact = from.Replace(" ", string.Empty, StringComparison.Ordinal);
        var phone = UkPhoneNumber.TryNormalise(from, out var e164) ? e164
            : UkPhoneNumber.IsE164(compact) || (compact.Length is >= 3 and <= 15 && compact.All(char.IsAsciiDigit)) ? compact // or a short code
            : null;
        if (phone is not null)
        {
            return (phone, world?.AgencyForDutyPhone(phone));
        }

        return world?.AgencyNamed(from.Trim()) is { DutyPhones: [var first, ..] } agency ? (first, agency) : null;
    }

    /// <summary>routing.json of this checkout, to name duty phones; null when it cannot be found (a number still works).</summary>
    private static RoutingWorld? LoadWorld()
    {
        try
        {
            return RoutingWorld.Load(RepositoryLayout.RoutingJson());
        }
        catch (Exception ex) when (ex is IOException or DirectoryNotFoundException or RoutingWorldException or InvalidOperationException)
        {
            return null;
        }
    }
}
