using System.CommandLine;

namespace NightSafe.Cli.Commands;

/// <summary>The `nightsafe` command line: one thin adapter per command.</summary>
public static class NightSafeCommandLine
{
    /// <summary>Exit code for a usage or environment problem (a taken port, no running stack).</summary>
    public const int Refused = 2;

    public static RootCommand Create()
    {
        var state = new Option<string?>("--state")
        {
            Description = "The running stack's state file, written by `up` and read by text, partner and sms (default .nightsafe/stack.json).",
            Recursive = true,
        };
        return new RootCommand("NightSafe's offline stack: run the whole hub on one machine, replay a night, talk to it.")
        {
            state,
            UpCommand.Create(state),
            DemoCommand.Create(),
            TextCommand.Create(state),
            PartnerCommand.Create(state),
            SmsCommand.Create(state),
            LoadCommand.Create(state),
            RosterCommand.Create(state),
            StackCommands.Keys(state),
            StackCommands.Status(state),
            StackCommands.Summary(state),
            StackCommands.Down(state),
        };
    }

    public static Task<int> InvokeAsync(string[] args) =>
        Create().Parse(args).InvokeAsync(new InvocationConfiguration
        {
            // Ctrl+C cancels the command's token; stopping every part (worker, Azurite) can take a few seconds.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
        });
}
