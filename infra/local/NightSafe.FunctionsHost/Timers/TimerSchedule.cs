using System.Globalization;
using NCrontab;

namespace NightSafe.FunctionsHost.Timers;

/// <summary>A timer trigger's schedule: NCRONTAB with seconds (six fields), five-field cron, or a TimeSpan interval; always in UTC.</summary>
internal sealed class TimerSchedule
{
    private readonly CrontabSchedule? _cron;
    private readonly TimeSpan _interval;

    private TimerSchedule(string expression, CrontabSchedule? cron, TimeSpan interval)
    {
        Expression = expression;
        _cron = cron;
        _interval = interval;
    }

    public string Expression { get; }

    public static TimerSchedule Parse(string expression)
    {
        var text = expression.Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields == 6 || fields == 5)
        {
            var cron = CrontabSchedule.TryParse(text, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 })
                ?? throw new FormatException($"'{expression}' is not a valid NCRONTAB expression.");
            return new TimerSchedule(text, cron, TimeSpan.Zero);
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return new TimerSchedule(text, null, interval);
        }

        throw new FormatException($"'{expression}' is neither an NCRONTAB expression ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}) nor a TimeSpan.");
    }

    /// <summary>The first occurrence strictly after <paramref name="afterUtc"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset afterUtc)
    {
        var after = afterUtc.UtcDateTime;
        var next = _cron is not null
            ? _cron.GetNextOccurrence(after)
            : after + _interval;
        return new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
    }
}
