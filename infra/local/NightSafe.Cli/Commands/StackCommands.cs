using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using NightSafe.Cli.Partners;

namespace NightSafe.Cli.Commands;

/// <summary>`keys`, `status`, `summary` and `down`: small commands against the running `nightsafe up` stack.</summary>
public static class StackCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Keys(Option<string?> statePath)
    {
        var command = new Command("keys", "Print the running stack's keys and connection strings (local, development-only secrets).");
        command.SetAction((parse, ct) => RunningHub.RunAsync(parse.GetValue(statePath), state =>
        {
            Console.WriteLine($"Functions   {state.FunctionsBaseUrl}");
            Console.WriteLine($"  function key (x-functions-key)   {state.FunctionKey}");
            Console.WriteLine($"  master key (admin endpoints)     {state.MasterKey}");
            Console.WriteLine($"  control-room key (X-Control-Room-Key: dossiers, summaries, roster, duty phones, routing by hand)   {state.ControlRoomKey}");
            Console.WriteLine($"Storage     {state.StorageConnectionString}");
            Console.WriteLine($"Service Bus {state.ServiceBusConnectionString}");
            Console.WriteLine($"Twilio      {state.TwilioBaseUrl} account {state.TwilioAccountSid}, auth token {state.TwilioAuthToken}");
            Console.WriteLine("Partner keys (X-Partner-Key):");
            foreach (var (agency, key) in state.PartnerKeys.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"  {agency,-30} {key}");
            }

            Console.WriteLine("Sign-in links (a day on the app's clock):");
            foreach (var (page, url) in state.SignInLinks ?? new Dictionary<string, Uri>())
            {
                Console.WriteLine($"  {(page == "board" ? "night board" : page),-30} {url}");
            }

            return Task.FromResult(0);
        }, ct));
        return command;
    }

    public static Command Status(Option<string?> statePath)
    {
        var reference = new Argument<string>("reference") { Description = "The referral's reference code, e.g. K7Q2MX." };
        var night = new Option<string?>("--night") { Description = "The night (yyyy-MM-dd); default: the stack's night." }.Accepting(text => Core.Nights.NightId.TryParse(text, out _), "a night as yyyy-MM-dd");
        var command = new Command("status", "Print a referral of the running stack: status, cases, trail.") { reference, night };
        command.SetAction((parse, ct) => RunningHub.RunAsync(parse.GetValue(statePath), async state =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var hub = new HubApi(http, state.FunctionsBaseUrl, state.ControlRoomKey ?? throw new InvalidOperationException("The running stack wrote no control-room key: stop it (dotnet nightsafe down) and run dotnet nightsafe up again."), state.MasterKey);
            var wanted = parse.GetValue(night) ?? state.Night;
            var code = parse.GetValue(reference)!.Trim().ToUpperInvariant();
            var json = await hub.ReadReferralJsonAsync(wanted, code, ct);
            if (json is null)
            {
                await Console.Error.WriteLineAsync($"No referral {code} on night {wanted}.");
                return 1;
            }

            var view = ReferralView.From(json);
            Console.WriteLine($"{view.Night}/{view.Reference}  {view.Status}  {view.Town}  {string.Join(", ", view.Categories)}  advice: {view.AdviceState}{(view.Flagged ? "  (flagged)" : string.Empty)}");
            foreach (var c in view.Cases)
            {
                Console.WriteLine($"  {c.Agency,-30} {c.Status,-10} fields: {string.Join(",", c.Fields)}");
            }

            foreach (var e in json["trail"] as JsonArray ?? [])
            {
                Console.WriteLine($"  {e?["at"],-34} {e?["kind"],-16} {e?["actor"]}");
            }

            return 0;
        }, ct));
        return command;
    }

    public static Command Summary(Option<string?> statePath)
    {
        var night = new Option<string?>("--night") { Description = "The night (yyyy-MM-dd); default: the stack's night." }.Accepting(text => Core.Nights.NightId.TryParse(text, out _), "a night as yyyy-MM-dd");
        var command = new Command("summary", "Run the end-of-night summary of the running stack now, and print it.") { night };
        command.SetAction((parse, ct) => RunningHub.RunAsync(parse.GetValue(statePath), async state =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var hub = new HubApi(http, state.FunctionsBaseUrl, state.ControlRoomKey ?? throw new InvalidOperationException("The running stack wrote no control-room key: stop it (dotnet nightsafe down) and run dotnet nightsafe up again."), state.MasterKey);
            var wanted = parse.GetValue(night) ?? state.Night;
            await hub.RunFunctionAsync("SummaryRequested", JsonSerializer.Serialize(new { night = wanted }), ct);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                if (await hub.ReadSummaryAsync(wanted, ct) is { } summary && summary["deliveredAt"] is JsonValue)
                {
                    Console.WriteLine(summary["text"]?.GetValue<string>() ?? summary.ToJsonString(Indented));
                    return 0;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }

            await Console.Error.WriteLineAsync($"The summary of night {wanted} was not delivered within 30 s; see the `up` terminal's log.");
            return 1;
        }, ct));
        return command;
    }

    public static Command Down(Option<string?> statePath)
    {
        var command = new Command("down", "Stop the running `nightsafe up` stack (from another terminal).");
        command.SetAction(async (parse, ct) =>
        {
            if (await RunningHub.FindAsync(parse.GetValue(statePath), ct) is not { } state)
            {
                return NightSafeCommandLine.Refused;
            }

            using var process = Process.GetProcessById(state.ProcessId);
            // SIGTERM lets `up` stop every part (worker, Azurite) as Ctrl+C does; Windows has no signal: end the tree.
            if (OperatingSystem.IsWindows())
            {
                process.Kill(entireProcessTree: true);
            }
            else
            {
                using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", state.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
                await kill.WaitForExitAsync(ct);
                if (kill.ExitCode != 0)
                {
                    await Console.Error.WriteLineAsync($"Could not signal the stack (pid {state.ProcessId}).");
                    return 1;
                }
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromSeconds(45));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"The stack (pid {state.ProcessId}) is still stopping after 45 s.");
                return 1;
            }

            Console.WriteLine($"Stopped the NightSafe stack (pid {state.ProcessId}).");
            return 0;
        });
        return command;
    }
}
