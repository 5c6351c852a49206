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
            FaultsCommand.Create(),
            TextCommand.Create(state),
            PartnerCommand.Create(state),
            SmsCommand.Create(state),
            LoadCommand.Create(state),
            RosterCommand.Create(state),
            DutyPhonesCommand.Create(state),
            EraseCommand.Create(state),
            StackCommands.Keys(state),
            StackCommands.Status(state),
            StackCommands.Summary(state),
            StackCommands.Down(state),
        };
    }

    /// <summary>
    /// Parses and runs one command line. A bad option value is a parse error: its message alone (no help page after it).
    /// A failure inside a command is one line too; NIGHTSAFE_TRACE=1 prints the whole exception.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parse = Create().Parse(args);
        error ??= Console.Error;
        if (parse.Errors.Count > 0 && args.Length > 0)
        {
            // One line per bad value, naming the option; no help page, no stack trace. (No arguments at all: the help.)
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }

            return Refused;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = output ?? Console.Out,
                Error = error,
                EnableDefaultExceptionHandler = false,
                // Ctrl+C cancels the command's token; stopping every part (worker, Azurite) can take a few seconds.
                ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
            });
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception ex) when (Environment.GetEnvironmentVariable("NIGHTSAFE_TRACE") != "1")
        {
            await error.WriteLineAsync($"nightsafe {string.Join(' ', parse.CommandResult.Command.Name)}: {RunningHub.FirstLine(ex.Message)} ({ex.GetType().Name}; NIGHTSAFE_TRACE=1 shows where)");
            return 1;
        }
    }
}
