using NightSafe.Cli.Commands;

namespace NightSafe.EndToEnd.Tests;

/// <summary>Runs a `nightsafe` command in this process, as a shell would run it, capturing what it prints.</summary>
internal static class InProcessCli
{
    public static async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        var (outWas, errorWas) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var code = await NightSafeCommandLine.InvokeAsync(args, stdout, stderr);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(outWas);
            Console.SetError(errorWas);
        }
    }
}
