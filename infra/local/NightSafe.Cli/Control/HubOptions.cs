using System.CommandLine;
using NightSafe.Cli.Commands;

namespace NightSafe.Cli.Control;

/// <summary>`--hub`, `--token` and `--key`: which hub a control-room command talks to, and as whom.</summary>
public sealed class HubOptions
{
    public HubOptions()
    {
        Hub = new Option<Uri?>("--hub")
        {
            Description = "A deployed hub's base URL (https://<app>.azurewebsites.net); default: the running `nightsafe up` stack. Env NIGHTSAFE_HUB_URL.",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NIGHTSAFE_HUB_URL") is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed : null,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
                {
                    return uri;
                }

                result.AddError($"--hub must be an http(s) URL such as https://func-nightsafe-prod.azurewebsites.net, not '{text}'.");
                return null;
            },
        };
        Token = new Option<string?>("--token")
        {
            Description = "With --hub: an Entra access token of a control-room person (az account get-access-token --resource <pages app id>). Env NIGHTSAFE_TOKEN.",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NIGHTSAFE_TOKEN"),
        };
        Key = new Option<string?>("--key")
        {
            Description = "With --hub: the hub's control-room key, where it has one (ControlRoom__KeySha256). Env NIGHTSAFE_CONTROL_ROOM_KEY.",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NIGHTSAFE_CONTROL_ROOM_KEY"),
        };
    }

    public Option<Uri?> Hub { get; }

    public Option<string?> Token { get; }

    public Option<string?> Key { get; }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Hub);
        command.Options.Add(Token);
        command.Options.Add(Key);
    }

    /// <summary>Runs <paramref name="action"/> against the hub: one line, not a stack trace, when it cannot be reached.</summary>
    public async Task<int> RunAsync(ParseResult parse, Option<string?> statePath, Func<ControlRoomClient, Task<int>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(action);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var client = await ControlRoomClient.ConnectAsync(http, parse.GetValue(Hub), new ControlRoomCredential(parse.GetValue(Key), parse.GetValue(Token)), parse.GetValue(statePath), cancellationToken);
        if (client is null)
        {
            return NightSafeCommandLine.Refused;
        }

        try
        {
            return await action(client);
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"The hub at {client.BaseUrl} did not answer: {RunningHub.FirstLine(ex.Message)}");
            return 1;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"The hub at {client.BaseUrl} did not answer within 30 s.");
            return 1;
        }
    }
}
