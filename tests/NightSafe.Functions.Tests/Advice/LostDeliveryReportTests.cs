using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NightSafe.Core.Advice;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Routing;
using NightSafe.Functions.Sms;
using NightSafe.Functions.Tests.Doubles;

namespace NightSafe.Functions.Tests.Advice;

/// <summary>
/// A delivery report that reaches the hub while it cannot take it (the worker dead, storage hung: an answer of 500) is
/// not posted again, by Twilio or by the stand-in: the sweep asks Twilio instead, and the advice ends settled.
/// </summary>
[Collection(LocalHubGroup.Name)]
public sealed class LostDeliveryReportTests(LocalHub hub) : IDisposable
{
    private readonly FailingReceiver _receiver = new();
    private IHost? _app;

    // The same app over the same stack, but Twilio's callbacks go to a receiver that answers every one with 500.
    private IServiceProvider App => (_app ??= hub.Build(WithCallbacksTo(hub.Settings(), _receiver.BaseUrl))).Services;

    public void Dispose()
    {
        _app?.Dispose();
        _receiver.Dispose();
    }

    private static Dictionary<string, string?> WithCallbacksTo(Dictionary<string, string?> settings, Uri receiver)
    {
        settings["NightSafe:PublicBaseUrl"] = receiver.ToString();
        return settings;
    }

    [Fact]
    public async Task An_advice_whose_delivery_report_was_answered_500_is_settled_from_Twilio_by_the_sweep_once()
    {
        const string person = "+447700900482";
        var (night, reference) = await SubmitAndRouteAsync("07700 900482");
        await SendQueuedSmsAsync();

        // The stand-in posted every report, the hub answered each with 500, and none came again.
        var sent = Assert.Single(await hub.Twilio.WaitForAsync(ms => ms.Any(m => m.To == person && m.IsSettled), TimeSpan.FromSeconds(20), CancellationToken.None), m => m.To == person);
        Assert.Equal("delivered", sent.Status);
        Assert.NotEmpty(sent.Callbacks);
        Assert.All(sent.Callbacks, c => Assert.Equal(500, c.StatusCode));
        Assert.Contains(sent.Callbacks, c => c.Status == "delivered");
        Assert.Equal("Sent", Referral(reference).GetString("Advice"));

        // Before its grace the sweep leaves it alone: a report normally comes within seconds.
        await SweepAsync();
        Assert.Equal("Sent", Referral(reference).GetString("Advice"));

        hub.Time.Advance(LostDeliveryReports.Grace);
        await SweepAsync();
        await SweepAsync();

        var referral = Referral(reference);
        Assert.Equal("Delivered", referral.GetString("Advice"));
        Assert.Equal("delivered", referral.GetString("AdviceReportedStatus"));
        // Recorded once, as a callback would have been, however often the sweep runs.
        var reports = hub.Events(night, reference).Where(e => e.GetString("Kind") == "sms-status").ToList();
        Assert.Contains("delivered", Assert.Single(reports).GetString("Data"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_undelivered_advice_whose_report_was_lost_ends_failed_with_Twilio_s_error_code()
    {
        // The stand-in's +447700900996 ends undelivered with 30003.
        var (_, reference) = await SubmitAndRouteAsync("07700 900996");
        await SendQueuedSmsAsync();
        await hub.Twilio.WaitForAsync(ms => ms.Any(m => m.To == "+447700900996" && m.IsSettled && m.Callbacks.Count > 0 && m.StatusCallback!.Contains(reference, StringComparison.Ordinal)), TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.Equal("Sent", Referral(reference).GetString("Advice"));

        hub.Time.Advance(LostDeliveryReports.Grace);
        await SweepAsync();

        var referral = Referral(reference);
        Assert.Equal("Failed", referral.GetString("Advice"));
        Assert.Equal("30003", referral.GetString("AdviceError"));
    }

    private Azure.Data.Tables.TableEntity Referral(string reference) => hub.Referrals().Single(r => r.RowKey == "R|" + reference);

    private TestFunctionContext Context() => new(App);

    private T Function<T>() where T : class => ActivatorUtilities.CreateInstance<T>(App);

    private Task SweepAsync() => Function<ReceivedSweepTimer>().RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), Context());

    private async Task<(string Night, string Reference)> SubmitAndRouteAsync(string phone)
    {
        var (_, accepted) = await Function<ReferralsApi>().SubmitAsync(
            new TestHttpRequestData(Context(), "POST", new Uri("http://127.0.0.1/api/referrals"), $$"""{"town":"colchester","categories":["intoxicated"],"subjectPhone":"{{phone}}","consent":"given"}""", "application/json"),
            Context()).ReadAsync();
        var created = JsonDocument.Parse(accepted).RootElement;
        var night = created.GetProperty("night").GetString()!;
        var reference = created.GetProperty("reference").GetString()!;
        var routing = hub.Queue(Core.Ports.QueueNames.Routing);
        var item = (await routing.ReceiveMessagesAsync(32)).Value.Single(m => m.MessageText.Contains(reference, StringComparison.Ordinal));
        await Function<RouteReferral>().RunAsync(item.MessageText, item.DequeueCount, Context());
        await routing.DeleteMessageAsync(item.MessageId, item.PopReceipt);
        return (night, reference);
    }

    private async Task SendQueuedSmsAsync()
    {
        var queue = hub.Queue(Core.Ports.QueueNames.OutboundSms);
        while ((await queue.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value is { } message)
        {
            await Function<SmsOutbound>().RunAsync(message.MessageText, message.MessageId, message.DequeueCount, Context());
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
    }

    /// <summary>Answers every request with 500, as the dev host answers a callback while the worker is dead.</summary>
    private sealed class FailingReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;

        public FailingReceiver()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUrl = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(BaseUrl.ToString());
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public Uri BaseUrl { get; }

        public void Dispose()
        {
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                context.Response.StatusCode = 500;
                context.Response.Close();
            }
        }
    }
}
