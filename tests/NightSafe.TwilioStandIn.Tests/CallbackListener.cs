using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace NightSafe.TwilioStandIn.Tests;

/// <summary>A webhook as received: the URL it was posted to, its signature header and its decoded form.</summary>
public sealed record ReceivedWebhook(string PathAndQuery, string? Signature, string? UserAgent, IReadOnlyDictionary<string, string> Form);

/// <summary>
/// A small HTTP receiver on a free loopback port standing in for NightSafe's webhook endpoints. It can drop the first
/// connections, hold requests until released, and answer with any status.
/// </summary>
public sealed class CallbackListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrivals;

    private CallbackListener(WebApplication app) => _app = app;

    /// <summary>Requests whose connection is dropped without an answer, counted from the first.</summary>
    public int DropFirst { get; init; }

    /// <summary>When true, requests wait for <see cref="Release"/> before they are answered.</summary>
    public bool Hold { get; init; }

    public int AnswerStatus { get; init; } = StatusCodes.Status200OK;

    /// <summary>The body every answer carries (a webhook's TwiML), with <see cref="AnswerContentType"/>; none when null.</summary>
    public string? AnswerBody { get; set; }

    public string AnswerContentType { get; init; } = "application/xml";

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request that reached the listener, answered or not.</summary>
    public int Arrivals => Volatile.Read(ref _arrivals);

    /// <summary>Requests that were answered, in order of answer.</summary>
    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public static async Task<CallbackListener> StartAsync(int dropFirst = 0, bool hold = false, int answerStatus = StatusCodes.Status200OK)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var listener = new CallbackListener(app) { DropFirst = dropFirst, Hold = hold, AnswerStatus = answerStatus };
        app.Run(listener.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        listener.BaseUrl = new Uri(address);
        return listener;
    }

    public Uri Url(string pathAndQuery) => new(BaseUrl, pathAndQuery);

    public void Release() => _release.TrySetResult();

    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> condition, TimeSpan timeout)
    {
        await Eventually.TrueAsync(() => condition(Received), timeout, "the callback listener's condition");
        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrival = Interlocked.Increment(ref _arrivals);
        if (arrival <= DropFirst)
        {
            context.Abort();
            return;
        }

        if (Hold)
        {
            await _release.Task.WaitAsync(context.RequestAborted);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        _received.Enqueue(new ReceivedWebhook(
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers["X-Twilio-Signature"].FirstOrDefault(),
            context.Request.Headers.UserAgent.FirstOrDefault(),
            form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal)));
        context.Response.StatusCode = AnswerStatus;
        if (AnswerBody is { } body)
        {
            context.Response.ContentType = AnswerContentType;
            await context.Response.WriteAsync(body, context.RequestAborted);
        }
    }
}
