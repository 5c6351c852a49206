using System.ComponentModel;

namespace NightSafe.Cli.Commands;

/// <summary>Why the stack did not start, in one line a newcomer can act on; null for failures that are bugs.</summary>
public static class StartFailure
{
    public static string? Explain(Exception exception) => exception switch
    {
        Win32Exception when exception.Message.Contains("node", StringComparison.OrdinalIgnoreCase) || exception.Message.Contains("npm", StringComparison.OrdinalIgnoreCase) =>
            "Node.js is needed for Azurite and was not found: install Node.js 20 or later (node and npm on PATH), then run this again.",
        Win32Exception => $"A tool of the offline stack could not be started: {exception.Message}",
        DirectoryNotFoundException or FileNotFoundException or TimeoutException or IOException or InvalidOperationException => exception.Message,
        _ => null,
    };
}
