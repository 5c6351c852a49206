using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Services;

/// <summary>The one optimistic-concurrency loop backs off, jittered, between attempts: writers that collided do not collide again in step.</summary>
public sealed class OptimisticConcurrencyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Each_attempt_after_a_conflict_waits_its_back_off_on_the_clock_before_it_runs()
    {
        var time = new TimerRecordingTime();
        var attempts = 0;
        var retry = OptimisticConcurrency.RetryAsync<int>(
            number =>
            {
                Interlocked.Increment(ref attempts);
                return number < OptimisticConcurrency.MaxAttempts ? throw new ConcurrencyConflictException("changed") : Task.FromResult(number);
            },
            time,
            CancellationToken.None);

        for (var next = 2; next <= OptimisticConcurrency.MaxAttempts; next++)
        {
            var wait = await time.NextTimerAsync(Deadline);

            // Nothing runs until the clock has moved on by the back-off, which lies between half and all of its ceiling.
            Assert.Equal(next - 1, Volatile.Read(ref attempts));
            Assert.InRange(wait, OptimisticConcurrency.BackOff(next, 0), OptimisticConcurrency.BackOff(next, 1));
            time.Fake.Advance(wait);
        }

        Assert.Equal(OptimisticConcurrency.MaxAttempts, await retry.WaitAsync(Deadline));
        Assert.Equal(OptimisticConcurrency.MaxAttempts, attempts);
    }

    [Fact]
    public async Task A_conflict_at_every_attempt_surfaces_after_the_limit_with_no_wait_after_the_last()
    {
        var time = new TimerRecordingTime();
        var attempts = 0;
        var retry = OptimisticConcurrency.RetryAsync<int>(
            _ =>
            {
                Interlocked.Increment(ref attempts);
                throw new ConcurrencyConflictException("changed");
            },
            time,
            CancellationToken.None);

        for (var next = 2; next <= OptimisticConcurrency.MaxAttempts; next++)
        {
            time.Fake.Advance(await time.NextTimerAsync(Deadline));
        }

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => retry.WaitAsync(Deadline));
        Assert.Equal(OptimisticConcurrency.MaxAttempts, attempts);
        Assert.Equal(OptimisticConcurrency.MaxAttempts - 1, time.Timers);
    }

    [Fact]
    public void The_back_off_doubles_per_attempt_is_never_nothing_and_is_spread_by_the_jitter()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(Math.Ceiling((OptimisticConcurrency.FirstBackOff / 2).TotalMilliseconds)), OptimisticConcurrency.BackOff(2, 0));
        Assert.Equal(OptimisticConcurrency.FirstBackOff, OptimisticConcurrency.BackOff(2, 1));
        Assert.InRange(OptimisticConcurrency.BackOff(3, 0.3) - (OptimisticConcurrency.BackOff(2, 0.3) * 2), TimeSpan.FromMilliseconds(-1), TimeSpan.FromMilliseconds(1));
        Assert.NotEqual(OptimisticConcurrency.BackOff(4, 0.1), OptimisticConcurrency.BackOff(4, 0.9));
        var total = Enumerable.Range(2, OptimisticConcurrency.MaxAttempts - 1).Aggregate(TimeSpan.Zero, (sum, next) => sum + OptimisticConcurrency.BackOff(next, 1));
        Assert.True(total < TimeSpan.FromSeconds(0.5), $"Back-offs add up to {total}: too long for an HTTP answer.");
    }

    /// <summary>A fake clock that tells the test each timer the code under test starts, and how long it is set for.</summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.001)]
    [InlineData(0.02)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    [InlineData(1.0)]
    public void A_wait_is_whole_milliseconds_as_a_delay_honours_it_and_never_below_half_its_ceiling(double jitter)
    {
        for (var next = 2; next <= OptimisticConcurrency.MaxAttempts; next++)
        {
            var ceiling = OptimisticConcurrency.FirstBackOff * Math.Pow(2, next - 2);
            var wait = OptimisticConcurrency.BackOff(next, jitter);

            // Task.Delay waits whole milliseconds: a wait between them would be cut short, below the half.
            Assert.Equal(0, wait.Ticks % TimeSpan.TicksPerMillisecond);
            Assert.InRange(wait, ceiling / 2, ceiling);
        }
    }

    private sealed class TimerRecordingTime : TimeProvider
    {
        private readonly Channel<TimeSpan> _started = Channel.CreateUnbounded<TimeSpan>();
        private int _timers;

        public FakeTimeProvider Fake { get; } = new(new DateTimeOffset(2026, 12, 18, 23, 30, 0, TimeSpan.Zero));

        public int Timers => Volatile.Read(ref _timers);

        public override long TimestampFrequency => Fake.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

        public override long GetTimestamp() => Fake.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = Fake.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            _started.Writer.TryWrite(dueTime);
            return timer;
        }

        public async Task<TimeSpan> NextTimerAsync(TimeSpan deadline) => await _started.Reader.ReadAsync().AsTask().WaitAsync(deadline);
    }
}
