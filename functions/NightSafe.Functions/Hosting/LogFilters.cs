using Microsoft.Extensions.Logging;

namespace NightSafe.Functions.Hosting;

/// <summary>
/// The worker's log levels: at the default level a referral's steps, one line each, and nothing of the frameworks
/// under them unless it is a warning or an error.
/// </summary>
public static class LogFilters
{
    public static ILoggingBuilder AddNightSafeLogFilters(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);

        // The Azure SDK logs every request (and Service Bus every link and receive) at Information.
        logging.AddFilter("Azure", LogLevel.Warning);

        // Polly writes an "Execution attempt" line per Twilio call; a retry that matters is a warning and still shows.
        logging.AddFilter("Polly", LogLevel.Warning);

        // HttpClientFactory's start and end of every request (System.Net.Http.HttpClient.{client}.LogicalHandler/ClientHandler).
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        return logging;
    }
}
