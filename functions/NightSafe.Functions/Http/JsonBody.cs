using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Http;

namespace NightSafe.Functions.Http;

/// <summary>A JSON body read, or the answer refusing it (415 wrong type, 413 too large, 400 not JSON).</summary>
public sealed record JsonRead<T>(T? Value, HttpResponseData? Refusal);

/// <summary>Reads a JSON request body: the media type checked first, then the size, then it is deserialised.</summary>
public static class JsonBody
{
    public static async Task<JsonRead<T>> ReadAsync<T>(HttpRequestData request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RequestBody.Is(request, RequestBody.Json))
        {
            return new(default, await Responses.ProblemAsync(request, HttpStatusCode.UnsupportedMediaType, "The body must be application/json (UTF-8).", cancellationToken: cancellationToken));
        }

        if (await RequestBody.ReadAsync(request.Body, cancellationToken) is not { } bytes)
        {
            return new(default, await Responses.ProblemAsync(request, HttpStatusCode.RequestEntityTooLarge, $"The body is larger than {RequestBody.MaxBytes} bytes.", cancellationToken: cancellationToken));
        }

        try
        {
            return new(JsonSerializer.Deserialize<T>(bytes, Responses.Json), null);
        }
        catch (JsonException e)
        {
            return new(default, await Responses.ProblemAsync(request, HttpStatusCode.BadRequest, "The body is not valid JSON.", e.Message, cancellationToken: cancellationToken));
        }
    }
}
