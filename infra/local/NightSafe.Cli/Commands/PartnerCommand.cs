using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using NightSafe.Cli.Partners;
using NightSafe.Cli.Stack;
using NightSafe.Core.World;
using NightSafe.LocalStack;

namespace NightSafe.Cli.Commands;

/// <summary>`nightsafe partner &lt;agency&gt;`: listen as an agency on its own subscription and print cases as they arrive.</summary>
public static class PartnerCommand
{
    // Shown to a person, not embedded in HTML: "+44..." reads better than "\u002B44...".
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(Option<string?> statePath)
    {
        var agency = new Argument<string>("agency") { Description = "The agency's id in routing.json, e.g. street-pastors-chelmsford." };
        var command = new Command("partner", "Listen on an agency's `cases` subscription of the running stack and print each case (Ctrl+C stops).") { agency };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetRequiredValue(agency), parse.GetValue(statePath), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string agencyId, string? statePath, CancellationToken cancellationToken)
    {
        var world = RoutingWorld.Load(RepositoryLayout.RoutingJson());
        if (world.AgencyNamed(agencyId) is null)
        {
            await Console.Error.WriteLineAsync($"No agency '{agencyId}' in routing.json. Agencies: {string.Join(", ", world.Agencies.Select(a => a.Id))}.");
            return NightSafeCommandLine.Refused;
        }

        return await RunningHub.RunAsync(statePath, state => ListenAsync(state, agencyId, cancellationToken), cancellationToken);
    }

    private static async Task<int> ListenAsync(StackState state, string agencyId, CancellationToken cancellationToken)
    {
        var key = state.PartnerKeys.GetValueOrDefault(agencyId);
        await using var client = new ServiceBusClient(state.ServiceBusConnectionString);
        await using var processor = client.CreateProcessor(PartnerDesk.CasesTopic, agencyId, new ServiceBusProcessorOptions { AutoCompleteMessages = true, MaxConcurrentCalls = 1 });
        processor.ProcessMessageAsync += args =>
        {
            var body = JsonNode.Parse(args.Message.Body.ToString()) as JsonObject ?? [];
            // A new case, or what became of one: case-reminder (still unanswered), case-updated, case-closed.
            var subject = args.Message.Subject ?? "case";
            var priority = args.Message.ApplicationProperties.GetValueOrDefault("priority") is { } p ? $" (priority {p})" : string.Empty;
            Console.WriteLine($"{DateTime.Now:HH:mm:ss} {subject} {args.Message.MessageId}{priority}:");
            Console.WriteLine(body.ToJsonString(Indented));
            if (subject is "case" or "case-reminder" && body["night"]?.GetValue<string>() is { } night && body["reference"]?.GetValue<string>() is { } reference)
            {
                Console.WriteLine($"  report: curl -s -X POST {new Uri(state.FunctionsBaseUrl, $"api/partners/{agencyId}/cases/{night}/{reference}/outcome")} -H 'X-Partner-Key: {key}' -H 'Content-Type: application/json' -d '{{\"outcome\":\"accepted\"}}'");
            }

            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += args =>
        {
            Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} {args.ErrorSource}: {RunningHub.FirstLine(args.Exception.Message)}");
            return Task.CompletedTask;
        };

        Console.WriteLine($"Listening as {agencyId} on cases/Subscriptions/{agencyId}. Ctrl+C stops.");
        await processor.StartProcessingAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: stop listening.
        }

        await processor.StopProcessingAsync(CancellationToken.None);
        return 0;
    }
}
