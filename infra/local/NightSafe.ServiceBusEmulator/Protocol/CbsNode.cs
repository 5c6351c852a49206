using Amqp;
using Amqp.Framing;
using Microsoft.Extensions.Logging;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>The claims-based security node: put-token requests authorise a connection for an audience.</summary>
internal sealed partial class CbsNode(string keyName, string key, TimeProvider time, ILogger logger)
{
    public Message Handle(ConnectionContext connection, Message request)
    {
        var properties = request.ApplicationProperties;
        var operation = properties?["operation"] as string;
        if (operation != "put-token")
        {
            return Reply(400, $"Unsupported CBS operation '{operation}'.");
        }

        var audience = EntityAddress.PathOf(properties!["name"] as string);
        var (resource, expires, problem) = SharedAccessSignature.Validate(request.Body as string, keyName, key, time.GetUtcNow());
        if (resource is null)
        {
            LogRefused(logger, connection.Id, audience, problem);
            return Reply(401, $"Unauthorized: {problem}.");
        }

        if (!EntityAddress.Covers(resource, audience))
        {
            LogRefused(logger, connection.Id, audience, "the token's resource does not cover the audience");
            return Reply(401, "Unauthorized: the token's resource does not cover the audience.");
        }

        connection.Authorize(audience, expires);
        LogAuthorized(logger, connection.Id, audience);
        return Reply(202, "Accepted");
    }

    private static Message Reply(int status, string description) => new()
    {
        ApplicationProperties = new ApplicationProperties { ["status-code"] = status, ["status-description"] = description },
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId}: token accepted for '{Audience}'")]
    private static partial void LogAuthorized(ILogger logger, long connectionId, string audience);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId}: token refused for '{Audience}': {Problem}")]
    private static partial void LogRefused(ILogger logger, long connectionId, string audience, string? problem);
}
