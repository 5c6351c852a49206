using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace NightSafe.FunctionsHost.Tests;

/// <summary>HTTP triggers through the real worker: routes, methods, bodies, keys.</summary>
[Collection(DevHostGroup.Name)]
public sealed class HttpTriggerTests(DevHostFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = fixture.Host.BaseUrl };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Route_parameters_and_query_reach_the_function_and_its_response_comes_back()
    {
        using var response = await _http.GetAsync(new Uri("api/items/42?name=lantern", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("42", Assert.Single(response.Headers.GetValues("X-Item-Id")));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(42, body.RootElement.GetProperty("id").GetInt32());
        Assert.Equal("lantern", body.RootElement.GetProperty("name").GetString());
        output.WriteLine($"Cold start: host ready {fixture.StartedWithin.TotalMilliseconds:0} ms after start; first invocation served {fixture.Host.FirstInvocationServedAfter?.TotalMilliseconds:0} ms after start.");
    }

    [Fact]
    public async Task Request_body_bytes_status_and_headers_round_trip()
    {
        byte[] payload = [0, 1, 2, 250, 255, (byte)'h', (byte)'i'];
        using var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        using var response = await _http.PutAsync(new Uri("api/echo/a/b/c", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(payload, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("a/b/c", Assert.Single(response.Headers.GetValues("X-Echo-Rest")));
        Assert.Equal("PUT", Assert.Single(response.Headers.GetValues("X-Echo-Method")));
    }

    [Fact]
    public async Task A_body_over_the_hosts_limit_is_413_and_never_reaches_the_worker_whether_declared_or_chunked()
    {
        var limit = DevHostFixture.MaxRequestBodyBytes;
        int Echoes() => fixture.Logs.Count(r => r.Message.StartsWith("Executed 'Echo' (", StringComparison.Ordinal));
        var before = Echoes();

        using (var declared = new ByteArrayContent(new byte[limit + 1]))
        using (var response = await _http.PostAsync(new Uri("api/echo/declared", UriKind.Relative), declared))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        // No Content-Length: the host finds out only while reading, and must still stop before invoking.
        using (var chunked = new StreamContent(new MemoryStream(new byte[2 * limit])))
        {
            chunked.Headers.ContentLength = null;
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/echo/chunked", UriKind.Relative)) { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        // A body of exactly the limit is served: the worker runs once, for it alone.
        using (var fits = new ByteArrayContent(new byte[limit]))
        using (var response = await _http.PostAsync(new Uri("api/echo/fits", UriKind.Relative), fits))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(limit, (await response.Content.ReadAsByteArrayAsync()).Length);
        }

        await Eventually.UntilAsync(() => Echoes() > before, TimeSpan.FromSeconds(10), "the fitting body's invocation logged");
        Assert.Equal(before + 1, Echoes());
    }

    [Fact]
    public async Task Route_constraint_mismatch_and_unknown_routes_are_404()
    {
        using var notAnInt = await _http.GetAsync(new Uri("api/items/lantern", UriKind.Relative));
        using var unknown = await _http.GetAsync(new Uri("api/no-such-route", UriKind.Relative));
        using var outsidePrefix = await _http.GetAsync(new Uri("items/42", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, notAnInt.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, outsidePrefix.StatusCode);
    }

    [Fact]
    public async Task A_route_that_exists_for_another_method_is_405_with_allow()
    {
        using var response = await _http.DeleteAsync(new Uri("api/items/42", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task A_function_that_throws_answers_500_and_its_error_is_logged()
    {
        using var response = await _http.GetAsync(new Uri("api/boom", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        await Eventually.UntilAsync(() => fixture.Logs.Any(r => r.Message.StartsWith("Executed 'Boom' (Failed", StringComparison.Ordinal) && r.Message.Contains("Failing on purpose.", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "the failed invocation logged");
    }

    [Fact]
    public async Task Function_level_needs_the_function_or_master_key_in_header_or_code()
    {
        using var none = await _http.GetAsync(new Uri("api/secret", UriKind.Relative));
        using var wrong = await _http.GetAsync(new Uri("api/secret?code=not-the-key", UriKind.Relative));
        using var byCode = await _http.GetAsync(new Uri($"api/secret?code={Uri.EscapeDataString(fixture.Host.FunctionKey)}", UriKind.Relative));
        using var byHeader = new HttpRequestMessage(HttpMethod.Get, "api/secret");
        byHeader.Headers.Add("x-functions-key", fixture.Host.FunctionKey);
        using var headerResponse = await _http.SendAsync(byHeader);
        using var master = await _http.GetAsync(new Uri($"api/secret?code={Uri.EscapeDataString(fixture.Host.MasterKey)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byCode.StatusCode);
        Assert.Equal("function-level ok", await byCode.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, headerResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, master.StatusCode);
    }

    [Fact]
    public async Task Admin_level_needs_the_master_key()
    {
        using var functionKey = await _http.GetAsync(new Uri($"api/admin-area?code={Uri.EscapeDataString(fixture.Host.FunctionKey)}", UriKind.Relative));
        using var masterKey = await _http.GetAsync(new Uri($"api/admin-area?code={Uri.EscapeDataString(fixture.Host.MasterKey)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, functionKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, masterKey.StatusCode);
        Assert.Equal("admin-level ok", await masterKey.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Host_status_reports_running_with_every_function_to_the_master_key_only()
    {
        using var anonymous = await _http.GetAsync(new Uri("admin/host/status", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/host/status");
        request.Headers.Add("x-functions-key", fixture.Host.MasterKey);
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Running", status.GetProperty("state").GetString());
        var functions = status.GetProperty("functions").EnumerateArray().Select(f => f.GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["AdminArea", "Boom", "Echo", "GetItem", "Heartbeat", "NightlySummary", "OnStartup", "ProcessWork", "Relay", "Secret"], functions);
    }
}
