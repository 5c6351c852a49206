using System.Globalization;

namespace NightSafe.Cli.Load;

/// <summary>
/// How busy the machine's processors were over a stretch of time, from Linux's <c>/proc/stat</c> (every process, the
/// stack's and the load's own): where a phase routes less than the storage ceiling allows, this says whether the
/// processors, not storage, were what ran out. Null where there is no <c>/proc/stat</c>.
/// </summary>
public sealed class MachineCpu
{
    private const string ProcStat = "/proc/stat";

    private MachineCpu(long busy, long total)
    {
        Busy = busy;
        Total = total;
    }

    /// <summary>Processor time spent working, in the kernel's ticks, all processors together.</summary>
    public long Busy { get; }

    /// <summary>All processor time, idle included.</summary>
    public long Total { get; }

    /// <summary>The counters now, or null when the system has none to read.</summary>
    public static MachineCpu? Now()
    {
        try
        {
            return File.Exists(ProcStat) ? Parse(File.ReadLines(ProcStat).FirstOrDefault()) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads the first line of /proc/stat, "cpu  user nice system idle iowait irq softirq steal guest guest_nice":
    /// idle and iowait are time not spent working; guest time is already inside user and nice.
    /// </summary>
    public static MachineCpu? Parse(string? line)
    {
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is not { Length: >= 5 } || fields[0] != "cpu")
        {
            return null;
        }

        var ticks = new long[Math.Min(fields.Length - 1, 8)];
        for (var i = 0; i < ticks.Length; i++)
        {
            if (!long.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out ticks[i]))
            {
                return null;
            }
        }

        var idle = ticks[3] + (ticks.Length > 4 ? ticks[4] : 0);
        var total = ticks.Sum();
        return new MachineCpu(total - idle, total);
    }

    /// <summary>The share of processor time spent working between <paramref name="earlier"/> and this sample (0 to 1).</summary>
    public double? BusySince(MachineCpu? earlier)
    {
        if (earlier is null || Total <= earlier.Total)
        {
            return null;
        }

        return Math.Clamp((Busy - earlier.Busy) / (double)(Total - earlier.Total), 0, 1);
    }
}
