using Microsoft.Extensions.Logging;

namespace NightSafe.FunctionsHost.Http;

/// <summary>Sends ASP.NET Core's own logs (Kestrel, gRPC) to the caller's logger factory.</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

    public void Dispose()
    {
        // The target factory belongs to the caller.
    }
}
