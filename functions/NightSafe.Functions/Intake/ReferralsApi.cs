using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core.Control;
using NightSafe.Core.Intake;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;
using NightSafe.Functions.Http;

namespace NightSafe.Functions.Intake;

/// <summary>The JSON API for other systems (function key): submit a referral; the control room reads one.</summary>
public sealed class ReferralsApi(ReferralIntake intake, InboundGate gate, ReferralDossiers dossiers, ControlRoomIdentity controlRoom, RoutingWorld world)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>As the OpenAPI document says.</summary>
    public const int MaxIdempotencyKeyLength = 200;

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
        return await AcceptAsync(request, submission, Fingerprint(read.Value), Trace.Current(context.TraceContext?.TraceParent), cancellationToken);
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
        var asked = await controlRoom.ReferralRequestAsync(request, night, reference, null, cancellationToken);
        if (asked.Refusal is { } refused)
        {
            return refused;
        }

        var dossier = await dossiers.ReadAsync(asked.Referral.Night, asked.Referral.Reference, asked.Actor, cancellationToken);
        if (dossier is null)
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.NotFound, "No such referral.", cancellationToken: cancellationToken);
        }

        return await Responses.JsonAsync(request, HttpStatusCode.OK, DossierBody.From(dossier, world), cancellationToken);
    }

    /// <summary>
    /// Takes the referral in. With an Idempotency-Key (the caller's own: keys are scoped by the function key presented),
    /// a retried call gets the same referral back instead of a second one, and the same key with another body is a 422.
    /// </summary>
    private async Task<HttpResponseData> AcceptAsync(HttpRequestData request, ReferralSubmission submission, string fingerprint, string? traceParent, CancellationToken cancellationToken)
    {
        var key = request.Headers.TryGetValues(IdempotencyHeader, out var keys) ? keys.FirstOrDefault() : null;
        if (string.IsNullOrWhiteSpace(key))
        {
            var accepted = await intake.AcceptAsync(submission, null, traceParent, cancellationToken);
            return await AcceptedAsync(request, accepted.Referral.Night.ToString(), accepted.Referral.Reference.ToString(), repeat: false, cancellationToken);
        }

        if (key.Length > MaxIdempotencyKeyLength)
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, $"The Idempotency-Key is longer than {MaxIdempotencyKeyLength} characters.", cancellationToken: cancellationToken);
        }

        var outcome = await gate.PassAsync("api", $"{SubmittingCaller.Scope(request)}/{key}", intake.Reserve() with { Fingerprint = fingerprint }, async (ticket, ct) =>
        {
            var accepted = await intake.AcceptAsync(submission, ticket, traceParent, ct);
            return new InboundResult.Replied($"{accepted.Referral.Night}/{accepted.Referral.Reference}");
        }, cancellationToken);
        if (outcome.KeyReused)
        {
            return await Responses.ProblemAsync(
                request,
                HttpStatusCode.UnprocessableContent,
                "This Idempotency-Key was used with a different request body.",
                "Send the same body to retry, or a new key for a new referral.",
                cancellationToken: cancellationToken);
        }

        if (outcome.Reply is not { } reply || reply.Split('/') is not [var night, var reference])
        {
            return await Responses.ProblemAsync(request, HttpStatusCode.Conflict, "A request with this Idempotency-Key is being processed.", "Retry shortly.", cancellationToken: cancellationToken);
        }

        return await AcceptedAsync(request, night, reference, outcome.Repeat, cancellationToken);
    }

    /// <summary>A SHA-256 of the document as read (so spacing and field order do not matter; the content does).</summary>
    private static string Fingerprint(ReferralDocument? document) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(document, Responses.Json)));

    private static async Task<HttpResponseData> AcceptedAsync(HttpRequestData request, string night, string reference, bool repeat, CancellationToken cancellationToken)
    {
        var response = await Responses.JsonAsync(
            request,
            HttpStatusCode.Accepted,
            new AcceptedReferralBody(night, reference, "received", repeat, $"/api/referrals/{night}/{reference}"),
            cancellationToken);
        response.Headers.Add("Location", $"/api/referrals/{night}/{reference}");
        return response;
    }
}
