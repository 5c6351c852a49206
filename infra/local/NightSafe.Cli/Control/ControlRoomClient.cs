using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using NightSafe.Cli.Commands;

namespace NightSafe.Cli.Control;

/// <summary>A hub's control-room endpoints: the running `up` stack, or a deployed one given its URL and function key.</summary>
public sealed class ControlRoomClient(HttpClient http, Uri baseUrl, string functionKey, string user)
{
    private const string FunctionKeyHeader = "x-functions-key";
    private const string UserHeader = "X-Control-Room-User";

    public Uri BaseUrl => baseUrl;

    /// <summary>The hub to talk to: <paramref name="hub"/> with <paramref name="key"/> when given, else the running stack's state.</summary>
    public static async Task<ControlRoomClient?> ConnectAsync(HttpClient http, Uri? hub, string? key, string user, string? statePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (hub is not null)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                await Console.Error.WriteLineAsync("--hub needs --key (or NIGHTSAFE_FUNCTION_KEY): a function key of that Function App.");
                return null;
            }

            return new ControlRoomClient(http, hub.AbsoluteUri.EndsWith('/') ? hub : new Uri(hub.AbsoluteUri + "/"), key, user);
        }

        return await RunningHub.FindAsync(statePath, cancellationToken) is { } state
            ? new ControlRoomClient(http, state.FunctionsBaseUrl, state.FunctionKey, user)
            : null;
    }

    public Task<(HttpStatusCode Status, JsonObject? Body)> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<(HttpStatusCode Status, JsonObject? Body)> PostJsonAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, JsonContent.Create(body), cancellationToken);

    public Task<(HttpStatusCode Status, JsonObject? Body)> PostCsvAsync(string path, string csv, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, new StringContent(csv, Encoding.UTF8, "text/csv"), cancellationToken);

    public Task<(HttpStatusCode Status, JsonObject? Body)> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    /// <summary>A problem details answer in one line per invalid field, for the terminal.</summary>
    public static string Problem(HttpStatusCode status, JsonObject? problem)
    {
        var lines = new StringBuilder($"{(int)status} {problem?["title"]?.GetValue<string>() ?? status.ToString()}");
        if (problem?["detail"]?.GetValue<string>() is { } detail)
        {
            lines.Append(' ').Append(detail);
        }

        foreach (var (field, messages) in problem?["errors"] as JsonObject ?? [])
        {
            lines.AppendLine().Append("  ").Append(field).Append(": ").Append(string.Join(" ", (messages as JsonArray ?? []).Select(m => m?.GetValue<string>())));
        }

        return lines.ToString();
    }

    private async Task<(HttpStatusCode Status, JsonObject? Body)> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(baseUrl, "api/" + path)) { Content = content };
        request.Headers.Add(FunctionKeyHeader, functionKey);
        request.Headers.Add(UserHeader, user);
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonObject? body = null;
        if (text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            body = JsonNode.Parse(text) as JsonObject;
        }

        return (response.StatusCode, body);
    }
}
