using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;
using NightSafe.FunctionsHost.Invocations;
using NightSafe.FunctionsHost.Rpc;

namespace NightSafe.FunctionsHost.Http;

/// <summary>Turns an ASP.NET Core request into the worker's RpcHttp, and the worker's RpcHttp back into a response.</summary>
internal static class HttpTriggerRequests
{
    public static async Task<(TypedData Input, Dictionary<string, TypedData> Metadata)> ToInvocationAsync(HttpRequest request, RouteValueDictionary routeValues, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);

        var http = new RpcHttp
        {
            Method = request.Method,
            Url = request.GetEncodedUrl(),
            // Worker 2.x refuses a string body: bytes only.
            Body = TypedDataConversions.Bytes(body.ToArray()),
        };

        foreach (var (name, values) in request.Headers)
        {
            var joined = values.ToString();
            http.Headers[name] = joined;
            http.NullableHeaders[name] = new NullableString { Value = joined };
        }

        foreach (var (name, values) in request.Query)
        {
            var joined = values.ToString();
            http.Query[name] = joined;
            http.NullableQuery[name] = new NullableString { Value = joined };
        }

        var metadata = new Dictionary<string, TypedData>(StringComparer.Ordinal);
        foreach (var (name, value) in routeValues)
        {
            var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            if (text is null)
            {
                continue;
            }

            http.Params[name] = text;
            http.NullableParams[name] = new NullableString { Value = text };
            metadata[name] = TypedDataConversions.Text(text);
        }

        metadata["Query"] = TypedDataConversions.Json(JsonSerializer.Serialize(http.Query));
        metadata["Headers"] = TypedDataConversions.Json(JsonSerializer.Serialize(http.Headers));
        return (new TypedData { Http = http }, metadata);
    }

    /// <summary>Writes the function's RpcHttp (status, headers, body bytes); a non-HTTP value is written as the body with 200.</summary>
    public static async Task WriteAsync(HttpResponse response, TypedData? data, CancellationToken cancellationToken)
    {
        if (data is null || data.DataCase == TypedData.DataOneofCase.None)
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        if (data.DataCase != TypedData.DataOneofCase.Http)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = data.DataCase == TypedData.DataOneofCase.Json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
            await response.Body.WriteAsync(TypedDataConversions.ToBytes(data), cancellationToken);
            return;
        }

        var http = data.Http;
        response.StatusCode = int.TryParse(http.StatusCode, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var status) && status is >= 100 and < 600
            ? status
            : StatusCodes.Status200OK;
        foreach (var (name, value) in http.Headers)
        {
            response.Headers.Append(name, value);
        }

        var bytes = TypedDataConversions.ToBytes(http.Body);
        if (bytes.Length > 0)
        {
            if (string.IsNullOrEmpty(response.ContentType) && http.Body?.DataCase == TypedData.DataOneofCase.String)
            {
                response.ContentType = "text/plain; charset=utf-8";
            }

            await response.Body.WriteAsync(bytes, cancellationToken);
        }
    }
}
