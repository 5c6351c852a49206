using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core.Control;
using NightSafe.Core.Intake;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Intake;

/// <summary>The JSON API for other systems (function key): submit a referral; the control room reads one.</summary>
public sealed class ReferralsApi(ReferralIntake intake, InboundGate gate, ReferralDossiers dossiers, ControlRoomIdentity controlRoom, RoutingWorld world)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    [Function("SubmitReferral")]
    public async Task<HttpResponseData> SubmitAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "referrals")] HttpRequestData request,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var read = await JsonBody.ReadAsync<ReferralDocument>(request, cancellationToken);
        if (read.Refusal is { } refusal)
        {
            return refusal;
        }

        var (submission, errors) = ReferralDocumentRules.Check(read.Value, ReferralSource.Api, "api", world);
        if (submission is null)
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "The referral is not valid.", "See errors for each invalid field.", errors, cancellationToken);
        }

        using var activity = Trace.Start("referral api", context.TraceContext?.TraceParent, System.Diagnostics.ActivityKind.Server);
        var traceParent = Trace.Current(context.TraceContext?.TraceParent);
        AcceptedReferral? accepted = null;
        var key = request.Headers.TryGetValues(IdempotencyHeader, out var keys) ? keys.FirstOrDefault() : null;
        if (string.IsNullOrWhiteSpace(key))
        {
            accepted = await intake.AcceptAsync(submission, null, traceParent, cancellationToken);
            return await AcceptedAsync(request, accepted.Referral.Night.ToString(), accepted.Referral.Reference.ToString(), repeat: false, cancellationToken);
        }

        // With an idempotency key, a retried call gets the same referral back instead of a second one.
        var outcome = await gate.PassAsync("api", key, async (ticket, ct) =>
        {
            accepted = await intake.AcceptAsync(submission, ticket, traceParent, ct);
            return new InboundResult.Replied($"{accepted.Referral.Night}/{accepted.Referral.Reference}");
        }, cancellationToken);
        if (outcome.Reply is not { } reply || reply.Split('/') is not [var night, var reference])
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.Conflict, "A request with this Idempotency-Key is being processed.", "Retry shortly.", cancellationToken: cancellationToken);
        }

        return await AcceptedAsync(request, night, reference, outcome.Repeat, cancellationToken);
    }

    [Function("ReadReferral")]
    public async Task<HttpResponseData> ReadAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "referrals/{night}/{reference}")] HttpRequestData request,
        string night,
        string reference,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        if (controlRoom.Resolve(request) is not { } principal)
        {
            return await Responses.UnauthorizedAsync(request, "The control room's sign-in (or, offline, its key) is required.", cancellationToken);
        }

        if (!NightId.TryParse(night, out var nightId) || !ReferenceCode.TryParse(reference, out var code))
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.NotFound, "No such referral.", cancellationToken: cancellationToken);
        }

        var dossier = await dossiers.ReadAsync(nightId, code, principal.Actor, cancellationToken);
        if (dossier is null)
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.NotFound, "No such referral.", cancellationToken: cancellationToken);
        }

        return await Responses.JsonAsync(request, HttpStatusCode.OK, DossierJson.From(dossier, world), cancellationToken);
    }

    private static async Task<HttpResponseData> AcceptedAsync(HttpRequestData request, string night, string reference, bool repeat, CancellationToken cancellationToken)
    {
        var response = await Responses.JsonAsync(
            request,
            HttpStatusCode.Accepted,
            new { night, reference, status = "received", repeat, self = $"/api/referrals/{night}/{reference}" },
            cancellationToken);
        response.Headers.Add("Location", $"/api/referrals/{night}/{reference}");
        return response;
    }
}

/// <summary>The control room's JSON view of a referral.</summary>
public static class DossierJson
{
    public static object From(ReferralDossier dossier, RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(dossier);
        ArgumentNullException.ThrowIfNull(world);
        var r = dossier.Referral;
        return new
        {
            night = r.Night.ToString(),
            reference = r.Reference.ToString(),
            status = r.Status.ToString(),
            receivedAt = r.ReceivedAt,
            source = r.Source.ToString().ToLowerInvariant(),
            town = new { id = r.TownId, name = world.FindTown(r.TownId)?.Name },
            categories = r.Categories,
            priority = r.Priority.ToString().ToLowerInvariant(),
            location = r.Location,
            description = r.Description,
            subjectPhone = r.SubjectPhone,
            consent = r.Consent.ToString(),
            officer = r.Officer,
            flagged = r.Flagged,
            advice = new { state = r.Advice.ToString(), messageId = r.AdviceMessageId, error = r.AdviceError },
            routedAt = r.RoutedAt,
            closedAt = r.ClosedAt,
            erasedAt = r.ErasedAt,
            cases = dossier.Cases.Select(c => new { agency = c.AgencyId, status = c.Status.ToString(), c.DisclosedAt, fields = c.Fields, c.AcceptedAt, c.UpdatedAt }),
            trail = dossier.Trail.Select(e => new { e.At, e.Kind, e.Actor, e.Data }),
        };
    }
}
