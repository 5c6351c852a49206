using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Http;

namespace NightSafe.Functions.Http;

/// <summary>A JSON body read, or the answer refusing it (400 not JSON).</summary>
public sealed record JsonRead<T>(T? Value, HttpResponseData? Refusal);

/// <summary>Reads a JSON request body, once for every JSON endpoint: the place for checks of what a body may be.</summary>
public static class JsonBody
{
    public static async Task<JsonRead<T>> ReadAsync<T>(HttpRequestData request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return new(await JsonSerializer.DeserializeAsync<T>(request.Body, Responses.Json, cancellationToken), null);
        }
        catch (JsonException e)
        {
            return new(default, await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "The body is not valid JSON.", e.Message, cancellationToken: cancellationToken));
        }
    }
}
