using System.Net;
using System.Security;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Http;

namespace NightSafe.Functions.Http;

/// <summary>The shapes of NightSafe's HTTP answers: JSON, RFC 9457 problem details and TwiML.</summary>
public static class Responses
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static async Task<HttpResponseData> JsonAsync<T>(HttpRequestData request, HttpStatusCode status, T body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = request.CreateResponse(status);
        response.Headers.Add("Content-Type", "application/json; charset=utf-8");
        await JsonSerializer.SerializeAsync(response.Body, body, Json, cancellationToken);
        return response;
    }

    /// <summary>A problem details body; <paramref name="errors"/> names each invalid field.</summary>
    public static async Task<HttpResponseData> ProblemAsync(
        HttpRequestData request,
        HttpStatusCode status,
        string title,
        string? detail = null,
        IReadOnlyDictionary<string, string[]>? errors = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = request.CreateResponse(status);
        response.Headers.Add("Content-Type", "application/problem+json; charset=utf-8");
        var problem = new Dictionary<string, object?>
        {
            ["type"] = "about:blank",
            ["title"] = title,
            ["status"] = (int)status,
        };
        if (detail is not null)
        {
            problem["detail"] = detail;
        }

        if (errors is { Count: > 0 })
        {
            problem["errors"] = errors;
        }

        await JsonSerializer.SerializeAsync(response.Body, problem, Json, cancellationToken);
        return response;
    }

    /// <summary>401 with problem details and a WWW-Authenticate challenge.</summary>
    public static async Task<HttpResponseData> UnauthorizedAsync(HttpRequestData request, string title, CancellationToken cancellationToken)
    {
        var response = await ProblemAsync(request, HttpStatusCode.Unauthorized, title, cancellationToken: cancellationToken);
        response.Headers.Add("WWW-Authenticate", "Bearer");
        return response;
    }

    /// <summary>401 for a control-room endpoint called without the control room's sign-in (or, offline, its key).</summary>
    public static Task<HttpResponseData> ControlRoomRequiredAsync(HttpRequestData request, CancellationToken cancellationToken) =>
        UnauthorizedAsync(request, "The control room's sign-in (or, offline, its key) is required.", cancellationToken);

    /// <summary>A TwiML MessagingResponse: one reply SMS, or none when <paramref name="reply"/> is empty.</summary>
    public static async Task<HttpResponseData> TwimlAsync(HttpRequestData request, string? reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = request.CreateResponse(HttpStatusCode.OK);
        response.Headers.Add("Content-Type", "text/xml; charset=utf-8");
        var xml = string.IsNullOrEmpty(reply)
            ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"
            : $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{SecurityElement.Escape(reply)}</Message></Response>";
        await response.WriteStringAsync(xml, cancellationToken);
        return response;
    }
}
