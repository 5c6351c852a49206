using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.Summaries;
using NightSafe.Core.World;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Summaries;

/// <summary>A request to summarise one night: {"night": "2026-12-18"} on the queue <c>summaries-requests</c>.</summary>
public sealed record SummaryRequest(string? Night);

/// <summary>
/// The end-of-night summary. The timer fires every quarter hour in UTC (the plan ignores time zones) and runs only when
/// the night has just ended in London (routing.json's night end); the queue function runs it for a named night
/// (operators, the demo, a re-run after a fault).
/// </summary>
public sealed partial class SummaryFunctions(NightSummaries summaries, ISummaryStore store, ControlRoomIdentity controlRoom, RoutingWorld world, TimeProvider time, ILogger<SummaryFunctions> logger)
{
    [Function("NightlySummary")]
    public async Task TimerAsync([TimerTrigger(SummarySchedule.Cron)] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        if (SummarySchedule.Due(now, world) is not { } night)
        {
            LogNotDue(now);
            return;
        }

        var run = await summaries.RunAsync(night, context.CancellationToken);
        LogRun(night, run);
    }

    [Function("SummaryRequested")]
    public async Task QueueAsync([QueueTrigger(QueueNames.SummaryRequests)] string message, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        SummaryRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<SummaryRequest>(message, Responses.Json);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (!NightId.TryParse(request?.Night, out var night))
        {
            // A malformed request cannot succeed on retry: say so and drop it.
            LogBadRequest();
            return;
        }

        var run = await summaries.RunAsync(night, context.CancellationToken);
        LogRun(night, run);
    }

    [Function("ReadSummary")]
    public async Task<HttpResponseData> ReadAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "nights/{night}/summary")] HttpRequestData request,
        string night,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        if (controlRoom.Resolve(request) is null)
        {
            return await Responses.UnauthorizedAsync(request, "The control room's sign-in (or, offline, its key) is required.", cancellationToken);
        }

        var stored = NightId.TryParse(night, out var id) ? await store.FindAsync(id, cancellationToken) : null;
        return stored is null
            ? await Responses.ProblemAsync(request, HttpStatusCode.NotFound, "No summary for that night.", cancellationToken: cancellationToken)
            : await Responses.JsonAsync(request, HttpStatusCode.OK, stored.Value, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Summary timer at {Now:u}: the night has not just ended in London; nothing to do")]
    private partial void LogNotDue(DateTimeOffset now);

    [LoggerMessage(Level = LogLevel.Information, Message = "Summary of night {Night}: {Run}")]
    private partial void LogRun(NightId night, SummaryRun run);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Summary request without a valid night (yyyy-MM-dd); dropped")]
    private partial void LogBadRequest();
}
