using System.Globalization;

namespace NightSafe.FunctionsHost.Worker;

/// <summary>Finds the worker under its watchdog (tools/with-parent.js), so callers see and can signal the real worker.</summary>
internal static class ProcessTree
{
    /// <summary>The first child of <paramref name="parentId"/> (Linux /proc), or null when it cannot be read.</summary>
    public static int? FirstChild(int parentId)
    {
        var path = $"/proc/{parentId}/task/{parentId}/children";
        try
        {
            var text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
            var first = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return first is not null && int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : null;
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

    /// <summary>True while a process with this id exists (and is not a zombie awaiting its parent).</summary>
    public static bool IsAlive(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            if (process.HasExited)
            {
                return false;
            }

            var stat = $"/proc/{processId}/stat";
            if (File.Exists(stat))
            {
                // Field 3 is the state; Z means exited and waiting to be reaped.
                var text = File.ReadAllText(stat);
                var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
                return state != "Z" && state != "X";
            }

            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
