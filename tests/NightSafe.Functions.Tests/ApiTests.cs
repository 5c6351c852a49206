using System.Net;
using System.Text.Json;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Outcomes;
using NightSafe.Functions.Routing;
using NightSafe.Functions.Tests.Doubles;

namespace NightSafe.Functions.Tests;

[Collection(LocalHubGroup.Name)]
public sealed class ApiTests(LocalHub stack)
{
    private TestHttpRequestData Json(string method, string path, string? body = null) =>
        new(stack.Context(), method, new Uri("http://127.0.0.1:7071/api/" + path), body, "application/json");

    [Fact]
    public async Task An_invalid_referral_gets_400_problem_details_naming_each_field()
    {
        var (status, body) = await stack.Function<ReferralsApi>().SubmitAsync(
            Json("POST", "referrals", """{"town":"Atlantis","categories":["levitation"],"subjectPhone":"12345"}"""),
            stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(["categories", "subjectPhone", "town"], problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_valid_referral_gets_202_and_an_idempotency_key_makes_a_retry_return_the_same_one()
    {
        var body = """{"town":"basildon","categories":["transport"],"location":"Basildon station","referrer":"cad"}""";
        var first = Json("POST", "referrals", body);
        first.Headers.Add("Idempotency-Key", "cad-123-" + Guid.NewGuid());
        var key = first.Headers.GetValues("Idempotency-Key").Single();
        var retry = Json("POST", "referrals", body);
        retry.Headers.Add("Idempotency-Key", key);

        var (status, accepted) = await stack.Function<ReferralsApi>().SubmitAsync(first, stack.Context()).ReadAsync();
        var (retryStatus, again) = await stack.Function<ReferralsApi>().SubmitAsync(retry, stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(HttpStatusCode.Accepted, retryStatus);
        var reference = JsonDocument.Parse(accepted).RootElement.GetProperty("reference").GetString();
        Assert.Equal(reference, JsonDocument.Parse(again).RootElement.GetProperty("reference").GetString());
        Assert.Single(stack.Referrals(), r => r.RowKey == "R|" + reference);
    }

    [Fact]
    public async Task A_hostile_route_parameter_finds_nothing()
    {
        var request = Json("GET", "referrals/x/y");
        request.Headers.Add(NightSafe.Functions.Http.ControlRoomIdentity.KeyHeader, stack.ControlRoomKey);
        var (status, _) = await stack.Function<ReferralsApi>().ReadAsync(request, "2026-12-18' or PartitionKey ne '", "ABCDEF' or RowKey ne '", stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Partner_B_cannot_post_an_outcome_for_agency_As_case()
    {
        var (_, accepted) = await stack.Function<ReferralsApi>().SubmitAsync(Json("POST", "referrals", """{"town":"chelmsford","categories":["alone"],"location":"High St"}"""), stack.Context()).ReadAsync();
        var created = JsonDocument.Parse(accepted).RootElement;
        var night = created.GetProperty("night").GetString()!;
        var reference = created.GetProperty("reference").GetString()!;
        await stack.Function<RouteReferral>().RunAsync($$"""{"night":"{{night}}","reference":"{{reference}}"}""", 1, stack.Context());
        var routedTo = stack.Table("Referrals").Query<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == night).Where(e => e.RowKey.StartsWith("C|" + reference, StringComparison.Ordinal)).Select(e => e.RowKey.Split('|')[2]).ToList();
        Assert.Contains("street-pastors-chelmsford", routedTo);
        Assert.DoesNotContain("street-pastors-colchester", routedTo);

        var other = Outcome("street-pastors-colchester", night, reference, stack.PartnerKeys["street-pastors-colchester"]);
        var (forbidden, _) = await stack.Function<PartnerApi>().ReportAsync(other, "street-pastors-colchester", night, reference, stack.Context()).ReadAsync();
        var wrongKey = Outcome("street-pastors-chelmsford", night, reference, stack.PartnerKeys["street-pastors-colchester"]);
        var (unauthorised, _) = await stack.Function<PartnerApi>().ReportAsync(wrongKey, "street-pastors-chelmsford", night, reference, stack.Context()).ReadAsync();
        var own = Outcome("street-pastors-chelmsford", night, reference, stack.PartnerKeys["street-pastors-chelmsford"]);
        var (ok, body) = await stack.Function<PartnerApi>().ReportAsync(own, "street-pastors-chelmsford", night, reference, stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("accepted", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
        Assert.Contains(stack.Events(night, reference), e => e.GetString("Kind") == "outcome-refused");
    }

    private TestHttpRequestData Outcome(string agency, string night, string reference, string key)
    {
        var request = Json("POST", $"partners/{agency}/cases/{night}/{reference}/outcome", """{"outcome":"accepted","note":"on our way"}""");
        request.Headers.Add(PartnerApi.KeyHeader, key);
        return request;
    }
}
