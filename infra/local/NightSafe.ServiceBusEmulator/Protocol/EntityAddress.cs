namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>Link addresses and token audiences vary in scheme, host, leading slash and case; this reduces them to a key.</summary>
internal static class EntityAddress
{
    public const string Cbs = "$cbs";
    public const string ManagementSuffix = "/$management";

    /// <summary>The path without scheme, host, surrounding slashes, in lower case (<c>amqp://h:1/Q1/</c> → <c>q1</c>).</summary>
    public static string PathOf(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return string.Empty;
        }

        var text = address.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var pathStart = text.IndexOf('/', scheme + 3);
            text = pathStart < 0 ? string.Empty : text[pathStart..];
        }

        return Uri.UnescapeDataString(text).Trim('/').ToLowerInvariant();
    }

    /// <summary>True when a token for <paramref name="audience"/> covers <paramref name="path"/> (itself or anything under it).</summary>
    public static bool Covers(string audience, string path) =>
        audience.Length == 0 || path == audience || path.StartsWith(audience + "/", StringComparison.Ordinal);
}
