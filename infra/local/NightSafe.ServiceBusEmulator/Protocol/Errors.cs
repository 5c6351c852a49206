using Amqp.Framing;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>Error conditions the SDK maps to its own exception types.</summary>
internal static class Errors
{
    public const string NotFound = "amqp:not-found";
    public const string Unauthorized = "amqp:unauthorized-access";
    public const string MessageSizeExceeded = "amqp:link:message-size-exceeded";
    public const string NotImplemented = "amqp:not-implemented";
    public const string InternalError = "amqp:internal-error";
    public const string DecodeError = "amqp:decode-error";
    public const string DeadLetter = "com.microsoft:dead-letter";
    public const string MessageLockLost = "com.microsoft:message-lock-lost";
    public const string MessageNotFound = "com.microsoft:message-not-found";
    public const string ArgumentError = "com.microsoft:argument-error";

    public static Error Create(string condition, string description) => new(condition) { Description = description };
}
