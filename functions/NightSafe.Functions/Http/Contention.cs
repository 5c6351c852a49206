using System.Globalization;
using System.Net;
using Microsoft.Azure.Functions.Worker.Http;
using NightSafe.Core.Ports;

namespace NightSafe.Functions.Http;

/// <summary>
/// A change that met another writer at every attempt (<see cref="OptimisticConcurrency"/> gave up) wrote nothing, and the
/// same request a moment later succeeds: the caller hears 503 with Retry-After and says so, not a bare 500.
/// </summary>
public static class Contention
{
    /// <summary>How long the caller is asked to wait: the writers it met finish in well under a second.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>Awaits <paramref name="change"/> and maps its result with <paramref name="answer"/>; an exhausted retry is answered <see cref="BusyAsync"/>.</summary>
    public static Task<HttpResponseData> AnswerAsync<T>(
        HttpRequestData request,
        Task<T> change,
        Func<T, Task<HttpResponseData>> answer,
        CancellationToken cancellationToken) =>
        AnswerAsync(request, change, answer, () => BusyAsync(request, cancellationToken));

    /// <summary>As above, answering an exhausted retry with <paramref name="busy"/> (a page rather than problem details).</summary>
    public static async Task<HttpResponseData> AnswerAsync<T>(
        HttpRequestData request,
        Task<T> change,
        Func<T, Task<HttpResponseData>> answer,
        Func<Task<HttpResponseData>> busy)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(busy);
        T result;
        try
        {
            result = await change;
        }
        catch (ConcurrencyConflictException)
        {
            return WithRetryAfter(await busy());
        }

        return await answer(result);
    }

    /// <summary>503 problem details saying nothing was changed and when to send the request again.</summary>
    public static Task<HttpResponseData> BusyAsync(HttpRequestData request, CancellationToken cancellationToken) =>
        Responses.ProblemAsync(
            request,
            HttpStatusCode.ServiceUnavailable,
            "Others were changing this referral at the same moment; nothing was changed.",
            $"Send the same request again after {RetryAfterSeconds} s.",
            cancellationToken: cancellationToken);

    private static HttpResponseData WithRetryAfter(HttpResponseData response)
    {
        response.StatusCode = HttpStatusCode.ServiceUnavailable;
        response.Headers.Add("Retry-After", RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        return response;
    }
}
