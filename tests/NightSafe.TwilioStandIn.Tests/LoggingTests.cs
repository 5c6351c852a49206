using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;

namespace NightSafe.TwilioStandIn.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task Logs_name_messages_by_sid_and_never_carry_a_whole_phone_number()
    {
        var lines = new ConcurrentQueue<string>();
        using var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingProvider(lines)));
        await using var listener = await CallbackListener.StartAsync();
        await using var server = await TwilioStandInServer.StartAsync(new TwilioStandInOptions { LoggerFactory = loggerFactory });
        var (client, _) = StandInRedirect.Client(server);

        var sent = await MessageResource.CreateAsync(
            new CreateMessageOptions(new Twilio.Types.PhoneNumber("+447700900123")) { From = new Twilio.Types.PhoneNumber("+447700900000"), Body = "private advice text", StatusCallback = listener.Url("/status") }, client);
        await Assert.ThrowsAsync<ApiException>(() => MessageResource.CreateAsync(
            new CreateMessageOptions(new Twilio.Types.PhoneNumber("+447700900998")) { From = new Twilio.Types.PhoneNumber("+447700900000"), Body = "hi" }, client));
        await server.WaitForAsync(m => m.Single().IsSettled, TimeSpan.FromSeconds(15));

        Assert.Contains(lines, line => line.Contains(sent.Sid, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("7700900123", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("7700900998", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("private advice text", StringComparison.Ordinal));
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(lines);

        public void Dispose()
        {
        }

        private sealed class Capturing(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception) + exception);
        }
    }
}
