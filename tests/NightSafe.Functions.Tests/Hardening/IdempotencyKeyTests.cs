using System.Net;
using System.Text.Json;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Tests.Doubles;

namespace NightSafe.Functions.Tests.Hardening;

/// <summary>
/// Issue 10, item 10: an Idempotency-Key belongs to the caller that sent it (its function key), and to the body it came
/// with: the same key with another body is refused with 422 instead of answering with a referral it does not describe.
/// </summary>
[Collection(LocalHubGroup.Name)]
public sealed class IdempotencyKeyTests(LocalHub stack)
{
    private const string Basildon = """{"town":"basildon","categories":["transport"],"location":"Basildon station","referrer":"cad"}""";
    private const string Grays = """{"town":"grays","categories":["injury"],"location":"Grays station","referrer":"cad"}""";

    private TestHttpRequestData Submit(string body, string key, string functionKey)
    {
        var request = new TestHttpRequestData(stack.Context(), "POST", new Uri("http://127.0.0.1:7071/api/referrals"), body, "application/json");
        request.Headers.Add(ReferralsApi.IdempotencyHeader, key);
        request.Headers.Add("x-functions-key", functionKey);
        return request;
    }

    private async Task<(HttpStatusCode Status, string Body, string? ContentType)> SubmitAsync(string body, string key, string functionKey)
    {
        var response = (TestHttpResponseData)await stack.Function<ReferralsApi>().SubmitAsync(Submit(body, key, functionKey), stack.Context());
        return (response.StatusCode, response.Text(), response.Headers.TryGetValues("Content-Type", out var types) ? types.Single() : null);
    }

    private static string ReferenceIn(string body) => JsonDocument.Parse(body).RootElement.GetProperty("reference").GetString()!;

    [Fact]
    public async Task The_same_key_with_another_body_is_refused_with_422_problem_details_and_stores_nothing()
    {
        var key = "cad-" + Guid.NewGuid();
        var (status, accepted, _) = await SubmitAsync(Basildon, key, "system-a-key");
        var before = stack.Referrals().Count;

        var (reused, problem, contentType) = await SubmitAsync(Grays, key, "system-a-key");

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal((HttpStatusCode)422, reused);
        Assert.StartsWith("application/problem+json", contentType, StringComparison.Ordinal);
        Assert.Equal(422, JsonDocument.Parse(problem).RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain(ReferenceIn(accepted), problem, StringComparison.Ordinal);
        Assert.Equal(before, stack.Referrals().Count);

        // The first body again is still the first referral.
        var (again, same, _) = await SubmitAsync(Basildon, key, "system-a-key");
        Assert.Equal(HttpStatusCode.Accepted, again);
        Assert.Equal(ReferenceIn(accepted), ReferenceIn(same));
    }

    [Fact]
    public async Task Two_callers_using_the_same_key_get_a_referral_each()
    {
        var key = "retry-1"; // a key two systems may well both choose
        var suffix = Guid.NewGuid().ToString("N");

        var (firstStatus, first, _) = await SubmitAsync(Basildon, key, "system-a-" + suffix);
        var (secondStatus, second, _) = await SubmitAsync(Basildon, key, "system-b-" + suffix);

        Assert.Equal(HttpStatusCode.Accepted, firstStatus);
        Assert.Equal(HttpStatusCode.Accepted, secondStatus);
        Assert.NotEqual(ReferenceIn(first), ReferenceIn(second));
        Assert.False(JsonDocument.Parse(second).RootElement.GetProperty("repeat").GetBoolean());
    }
}
