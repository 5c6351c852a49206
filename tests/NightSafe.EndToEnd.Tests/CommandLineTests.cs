using System.CommandLine;
using NightSafe.Cli.Commands;

namespace NightSafe.EndToEnd.Tests;

/// <summary>Every option of every `nightsafe` command: a bad value is one line naming the option, never a stack trace.</summary>
public sealed class CommandLineTests
{
    /// <summary>Options where any text is a value (a path, a name, a credential): the hub or the file system judges them.</summary>
    private static readonly HashSet<string> FreeText = ["--state", "--log", "--token", "--key", "--name", "--town", "--master-key", "--twilio-auth-token"];

    /// <summary>Good values for what a command requires, so that only the option under test is wrong.</summary>
    private static readonly Dictionary<string, string> Good = new()
    {
        ["--collar"] = "EX1",
        ["--name"] = "PC Good",
        ["--town"] = "harlow",
        ["--phone"] = "07700 900123",
        ["--from"] = "+447700900001",
    };

    private static IEnumerable<(string[] Path, Command Command)> Commands(Command command, string[] path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands)
        {
            foreach (var found in Commands(sub, [.. path, sub.Name]))
            {
                yield return found;
            }
        }
    }

    private static IEnumerable<Option> OptionsOf(Command command, IReadOnlyList<Command> ancestors) =>
        command.Options.Concat(ancestors.SelectMany(a => a.Options.Where(o => o.Recursive)))
            .Where(o => o.Name is not ("--help" or "--version"));

    public static TheoryData<string> EveryOptionOfEveryCommand()
    {
        var data = new TheoryData<string>();
        var root = NightSafeCommandLine.Create();
        foreach (var (path, command) in Commands(root, []))
        {
            if (command.Action is null)
            {
                continue;
            }

            var ancestors = new List<Command> { root };
            var walk = (Command)root;
            foreach (var name in path.SkipLast(1))
            {
                walk = walk.Subcommands.Single(c => c.Name == name);
                ancestors.Add(walk);
            }

            foreach (var option in OptionsOf(command, ancestors).Where(o => o.ValueType != typeof(bool) && !FreeText.Contains(o.Name)))
            {
                data.Add(string.Join(' ', path) + " " + option.Name);
            }
        }

        return data;
    }

    [Fact]
    public void The_theory_below_covers_the_commands_options()
    {
        var covered = ((IEnumerable<object[]>)EveryOptionOfEveryCommand()).Select(row => (string)row[0]).ToList();

        Assert.Contains("up --functions-port", covered);
        Assert.Contains("up --clock", covered);
        Assert.Contains("duty-phones list --hub", covered);
        Assert.Contains("roster add --phone", covered);
        Assert.Contains("demo --texts", covered);
        Assert.True(covered.Count >= 20, string.Join(", ", covered));
    }

    [Theory]
    [MemberData(nameof(EveryOptionOfEveryCommand))]
    public async Task A_bad_value_is_one_line_naming_the_option_and_no_stack_trace(string commandAndOption)
    {
        var words = commandAndOption.Split(' ');
        var (path, name) = (words[..^1], words[^1]);
        var chain = new List<Command> { NightSafeCommandLine.Create() };
        foreach (var step in path)
        {
            chain.Add(chain[^1].Subcommands.Single(s => s.Name == step));
        }

        var command = chain[^1];
        var option = chain.SelectMany(c => c.Options).First(o => o.Name == name);
        string[] args =
        [
            .. path,
            .. command.Arguments.Select(a => a.Name == "file" ? "/nonexistent/roster.csv" : "ZZZZZZ"),
            .. command.Options.Where(o => o.Required && o.Name != name).SelectMany(o => new[] { o.Name, Good[o.Name] }),
            name,
            option.ValueType == typeof(int) ? "many" : "not a good value!",
        ];

        var (code, stdout, stderr) = await InProcessCli.RunAsync(args);

        Assert.Equal(NightSafeCommandLine.Refused, code);
        Assert.Equal(string.Empty, stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"{string.Join(' ', args)} printed:\n{stderr}");
        Assert.Contains(name, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up", "--functions-port", "70000")]
    [InlineData("up", "--twilio-port", "0")]
    [InlineData("demo", "--texts", "0")]
    [InlineData("demo", "--parallel", "-3")]
    [InlineData("sms", "--limit", "0")]
    public async Task A_number_out_of_range_is_one_line_too(string command, string option, string value)
    {
        var (code, _, stderr) = await InProcessCli.RunAsync(command, option, value);

        Assert.Equal(NightSafeCommandLine.Refused, code);
        Assert.StartsWith($"{option} must be from ", stderr.Trim(), StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
