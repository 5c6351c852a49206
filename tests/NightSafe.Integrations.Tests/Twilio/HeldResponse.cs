using WireMock;
using WireMock.Types;
using WireMock.Util;

namespace NightSafe.Integrations.Tests.Twilio;

/// <summary>
/// A stand-in answer that holds the first request until the test releases it (a slow or hung Twilio), and answers
/// later requests at once. The test learns that the first request arrived from <see cref="Arrived"/>.
/// </summary>
public sealed class HeldResponse(string json)
{
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;

    public Task Arrived => _arrived.Task;

    public int Requests => Volatile.Read(ref _requests);

    public void Release() => _released.TrySetResult();

    public async Task<IResponseMessage> AnswerAsync(IRequestMessage request)
    {
        if (Interlocked.Increment(ref _requests) == 1)
        {
            _arrived.TrySetResult();

            // Bounded: a test that forgets to release does not hang the server for ever.
            await _released.Task.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return new ResponseMessage
        {
            StatusCode = 201,
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
            BodyData = new BodyData { BodyAsString = json, DetectedBodyType = BodyType.String },
        };
    }
}
