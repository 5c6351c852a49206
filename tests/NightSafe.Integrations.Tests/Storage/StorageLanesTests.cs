using System.Collections.Concurrent;
using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Time.Testing;
using NightSafe.Integrations.Storage;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>The lanes policy in a real Azure SDK pipeline, over a transport that holds each request until it is let go.</summary>
public sealed class StorageLanesTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Background_requests_beyond_the_slots_wait_while_one_answering_someone_goes_straight_out()
    {
        var server = new HoldingHandler();
        var lanes = new StorageLanes(new StorageLaneOptions { BackgroundSlots = 2, LongestWait = TimeSpan.FromMinutes(1) }, new FakeTimeProvider());
        var pipeline = Pipeline(lanes, server);

        var background = Enumerable.Range(1, 3).Select(i => Task.Run(() => SendAsync(pipeline, "background-" + i))).ToList();
        await server.WaitForAsync(2);
        var answering = Task.Run(() =>
        {
            StorageLanes.Answering();
            return SendAsync(pipeline, "answering");
        });
        await server.WaitForAsync(3);

        // Two background requests hold the slots; the officer's went past the third, which still waits.
        Assert.Contains("answering", server.Arrived);
        Assert.Equal(2, server.Arrived.Count(a => a.StartsWith("background-", StringComparison.Ordinal)));

        server.Release(1);
        await server.WaitForAsync(4);
        server.ReleaseAll();
        await Task.WhenAll([.. background, answering]);
        Assert.Equal(0, lanes.WaitedOut);
    }

    [Fact]
    public async Task A_background_request_goes_without_a_slot_once_its_longest_wait_is_over_and_no_slot_is_lost()
    {
        var server = new HoldingHandler();
        var time = new FakeTimeProvider();
        var lanes = new StorageLanes(new StorageLaneOptions { BackgroundSlots = 1, LongestWait = TimeSpan.FromMilliseconds(25) }, time);
        var pipeline = Pipeline(lanes, server);

        var first = Task.Run(() => SendAsync(pipeline, "first"));
        await server.WaitForAsync(1);
        var second = Task.Run(() => SendAsync(pipeline, "second"));

        // The clock moves on until the second's wait is over: it goes while the first still holds the only slot.
        await WaitUntilAsync(() => server.Arrived.Count == 2, () => time.Advance(TimeSpan.FromMilliseconds(25)));
        Assert.Equal(1, lanes.WaitedOut);
        server.ReleaseAll();
        await Task.WhenAll(first, second);

        // The slot the second's wait took later was handed back: a third request finds it free, and waits for nothing.
        server.ReleaseAll();
        await SendAsync(pipeline, "third");
        Assert.Equal(1, lanes.WaitedOut);
    }

    [Fact]
    public async Task With_no_slots_configured_every_request_goes_straight_out()
    {
        var server = new HoldingHandler();
        var lanes = new StorageLanes(new StorageLaneOptions { BackgroundSlots = 0 }, new FakeTimeProvider());
        var pipeline = Pipeline(lanes, server);

        var sends = Enumerable.Range(1, 5).Select(i => Task.Run(() => SendAsync(pipeline, "background-" + i))).ToList();
        await server.WaitForAsync(5);
        server.ReleaseAll();
        await Task.WhenAll(sends);
        Assert.Equal(0, lanes.WaitedOut);
    }

    private static HttpPipeline Pipeline(StorageLanes lanes, HoldingHandler server)
    {
        var options = new LaneClientOptions { Transport = new HttpClientTransport(new HttpClient(server)) };
        options.Retry.MaxRetries = 0;
        return HttpPipelineBuilder.Build(options, lanes.Policy);
    }

    private static async Task SendAsync(HttpPipeline pipeline, string name)
    {
        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri("http://127.0.0.1:1/" + name));
        await pipeline.SendAsync(message, CancellationToken.None);
        Assert.Equal(200, message.Response.Status);
    }

    private static async Task WaitUntilAsync(Func<bool> done, Action nudge)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < until, "The condition was not met within the deadline.");
            nudge();
            await Task.Delay(5);
        }
    }

    private sealed class LaneClientOptions : ClientOptions;

    /// <summary>Answers each request 200 once it is let go; records the order requests arrived in.</summary>
    private sealed class HoldingHandler : HttpMessageHandler
    {
        private readonly ConcurrentQueue<TaskCompletionSource> _held = new();
        private readonly ConcurrentQueue<string> _arrived = new();
        private volatile bool _open;

        public IReadOnlyList<string> Arrived => [.. _arrived];

        public Task WaitForAsync(int count) => WaitUntilAsync(() => _arrived.Count >= count, static () => { });

        public void Release(int count)
        {
            for (var i = 0; i < count && _held.TryDequeue(out var held); i++)
            {
                held.TrySetResult();
            }
        }

        /// <summary>Lets every held request go, and every later one through at once.</summary>
        public void ReleaseAll()
        {
            _open = true;
            Release(int.MaxValue);
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _held.Enqueue(held);
            _arrived.Enqueue(request.RequestUri!.AbsolutePath.TrimStart('/'));
            if (_open)
            {
                Release(int.MaxValue);
            }

            await held.Task.WaitAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
