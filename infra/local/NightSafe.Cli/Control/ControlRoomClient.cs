using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using NightSafe.Cli.Commands;

namespace NightSafe.Cli.Control;

/// <summary>How a command proves it is the control room: the offline control-room key, or an Entra access token for a deployed hub.</summary>
public sealed record ControlRoomCredential(string? Key, string? Token);

/// <summary>
/// A hub's control-room endpoints: the running `up` stack (its control-room key from the state file), or a deployed one
/// given its URL and a credential. The hub names the principal in its audit trail; the caller cannot name itself.
/// </summary>
public sealed class ControlRoomClient(HttpClient http, Uri baseUrl, ControlRoomCredential credential)
{
    private const string KeyHeader = "X-Control-Room-Key";

    public Uri BaseUrl => baseUrl;

    /// <summary>The hub to talk to: <paramref name="hub"/> with <paramref name="credential"/> when given, else the running stack's state.</summary>
    public static async Task<ControlRoomClient?> ConnectAsync(HttpClient http, Uri? hub, ControlRoomCredential credential, string? statePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(credential);
        if (hub is not null)
        {
            if (string.IsNullOrWhiteSpace(credential.Key) && string.IsNullOrWhiteSpace(credential.Token))
            {
                await Console.Error.WriteLineAsync("--hub needs --token (an Entra access token of a control-room person, env NIGHTSAFE_TOKEN) or --key (the hub's control-room key, env NIGHTSAFE_CONTROL_ROOM_KEY).");
                return null;
            }

            return new ControlRoomClient(http, hub.AbsoluteUri.EndsWith('/') ? hub : new Uri(hub.AbsoluteUri + "/"), credential);
        }

        if (await RunningHub.FindAsync(statePath, cancellationToken) is not { } state)
        {
            return null;
        }

        if (string.IsNullOrEmpty(state.ControlRoomKey))
        {
            await Console.Error.WriteLineAsync("The running stack wrote no control-room key: stop it (dotnet nightsafe down) and run dotnet nightsafe up again.");
            return null;
        }

        return new ControlRoomClient(http, state.FunctionsBaseUrl, new ControlRoomCredential(state.ControlRoomKey, null));
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
        if (!string.IsNullOrWhiteSpace(credential.Token))
        {
            // App Service Authentication accepts an Entra access token and passes its principal on to the app.
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.Token);
        }

        if (!string.IsNullOrWhiteSpace(credential.Key))
        {
            request.Headers.Add(KeyHeader, credential.Key);
        }

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
