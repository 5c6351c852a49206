using NightSafe.Cli.Stack;

namespace NightSafe.Cli.Commands;

/// <summary>The `up` stack a command talks to, or a one-line reason why there is none.</summary>
public static class RunningHub
{
    public static async Task<StackState?> FindAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await StackStateFile.ReadRunningAsync(StackStateFile.PathIn(), cancellationToken);
        }
        catch (StackNotRunningException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return null;
        }
    }
}
