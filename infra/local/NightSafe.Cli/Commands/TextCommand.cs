using System.CommandLine;
using NightSafe.Cli.Sms;
using NightSafe.Cli.Stack;

namespace NightSafe.Cli.Commands;

/// <summary>`nightsafe text "&lt;body&gt;" --from &lt;number&gt;`: one officer SMS, signed as Twilio signs it, to the running stack.</summary>
public static class TextCommand
{
    public static Command Create(Option<string?> statePath)
    {
        var body = new Argument<string>("body") { Description = "What the officer texts, e.g. \"Chelmsford spiked outside Bar 9, female 20s, 07700 900123, consent y\"." };
        var from = new Option<string>("--from") { Description = "The sender's number (E.164); officers on the roster have referral powers, a partner agency's duty phone answers its cases (ACC/DEC/ATT/DONE <ref>).", Required = true }
            .Accepting(text => Core.Phones.UkPhoneNumber.TryNormalise(text, out _) || (text.Length is >= 3 and <= 15 && text.All(char.IsAsciiDigit)), "a phone number such as +447700900001 (or a short code)");
        var command = new Command("text", "Send one officer SMS to the running stack (`nightsafe up`) and print the reply.") { body, from };
        command.SetAction((parse, cancellationToken) => RunningHub.RunAsync(parse.GetValue(statePath), state => RunAsync(state, parse.GetRequiredValue(body), parse.GetRequiredValue(from), cancellationToken), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(StackState state, string body, string from, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var phone = new OfficerPhone(http, state.FunctionsBaseUrl, state.PublicBaseUrl, state.TwilioAccountSid, state.TwilioAuthToken, state.HubNumber);
        var reply = await phone.TextAsync(from, body, cancellationToken);
        if (!reply.Succeeded)
        {
            await Console.Error.WriteLineAsync($"The hub answered HTTP {(int)reply.Status} to POST {new Uri(state.FunctionsBaseUrl, OfficerPhone.Route)}.");
            return 1;
        }

        Console.WriteLine(reply.Message is { Length: > 0 } message ? message : "(no reply SMS)");
        if (reply.Reference is { } reference)
        {
            Console.WriteLine($"Control room view: curl -s {new Uri(state.FunctionsBaseUrl, $"api/referrals/{state.Night}/{reference}")} -H 'X-Control-Room-Key: {state.ControlRoomKey}'");
        }

        return 0;
    }
}
