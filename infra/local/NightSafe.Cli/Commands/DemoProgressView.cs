using NightSafe.Cli.Demo;
using Spectre.Console;

namespace NightSafe.Cli.Commands;

/// <summary>A progress bar while the demo night runs; plain lines, one per phase, when the output is not a terminal.</summary>
public static class DemoProgressView
{
    public static async Task<DemoReport> RunAsync(Func<IProgress<DemoProgress>, Task<DemoReport>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            var phase = string.Empty;
            return await run(new Reporter(p =>
            {
                if (p.Phase != phase)
                {
                    phase = p.Phase;
                    Console.WriteLine($"{p.Phase}: {p.TextsSent}/{p.TextsTotal} texts, {p.CasesReceived} cases, {p.ReferralsSettled}/{p.Referrals} referrals settled");
                }
            }));
        }

        DemoReport? report = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var texts = context.AddTask("Officer texts");
                var cases = context.AddTask("Partner cases answered");
                var settled = context.AddTask("Referrals settled");
                report = await run(new Reporter(p =>
                {
                    texts.MaxValue = Math.Max(1, p.TextsTotal);
                    texts.Value = p.TextsSent;
                    cases.MaxValue = Math.Max(1, p.CasesReceived);
                    cases.Value = p.CasesReported;
                    settled.MaxValue = Math.Max(1, p.Referrals);
                    settled.Value = p.ReferralsSettled;
                    texts.Description = p.Phase == "Officers texting" ? "Officer texts" : $"Officer texts ({p.Phase})";
                }));
                texts.Value = texts.MaxValue;
            });
        return report!;
    }

    // Progress<T> posts to the thread pool out of order; the bar only needs the latest state, synchronously.
    private sealed class Reporter(Action<DemoProgress> show) : IProgress<DemoProgress>
    {
        private readonly Lock _gate = new();

        public void Report(DemoProgress value)
        {
            lock (_gate)
            {
                show(value);
            }
        }
    }
}
