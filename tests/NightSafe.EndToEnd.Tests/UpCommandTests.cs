using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using NightSafe.Cli.Stack;
using NightSafe.Core.Intake;
using NightSafe.LocalStack;

namespace NightSafe.EndToEnd.Tests;

/// <summary>`nightsafe up`, `text` and `sms` run as a user runs them: separate processes, the state file between them, SIGINT to stop.</summary>
public sealed class UpCommandTests(ITestOutputHelper output)
{
    private static readonly string Cli = typeof(UpCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NightsafeCli").Value!;

    [Fact]
    public async Task Up_serves_text_and_sms_through_its_state_file_and_leaves_nothing_running_after_SIGINT()
    {
        int[] ports = [.. Enumerable.Range(0, 6).Select(_ => FreeTcpPort.Next()).Distinct()];
        Assert.Equal(6, ports.Length);
        var folder = Directory.CreateTempSubdirectory("nightsafe-up-").FullName;
        var statePath = Path.Combine(folder, "stack.json");
        var lines = new ConcurrentQueue<string>();
        using var up = Start(
            ["up", "--azurite-blob-port", $"{ports[0]}", "--azurite-queue-port", $"{ports[1]}", "--azurite-table-port", $"{ports[2]}",
             "--servicebus-port", $"{ports[3]}", "--functions-port", $"{ports[4]}", "--twilio-port", $"{ports[5]}", "--state", statePath],
            lines);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (!File.Exists(statePath) && !up.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }

            Assert.False(up.HasExited, "up exited early:\n" + string.Join("\n", lines));
            var state = await StackStateFile.ReadRunningAsync(statePath, CancellationToken.None);
            Assert.Equal(new Uri($"http://127.0.0.1:{ports[4]}/"), state.FunctionsBaseUrl);
            Assert.Equal(new Uri($"http://127.0.0.1:{ports[5]}/"), state.TwilioBaseUrl);
            await WaitForAsync(() => lines.Any(l => l.Contains("Ready. Logs follow", StringComparison.Ordinal)), "the next steps again after the start-up logs");
            var printed = lines.ToList();
            var screen = printed.SkipWhile(l => !l.Contains("NightSafe is running offline", StringComparison.Ordinal)).TakeWhile(l => !l.Contains("Start-up logs follow", StringComparison.Ordinal)).ToList();
            Assert.InRange(screen.Count, 10, 39);
            Assert.Contains(screen, l => l.Contains(state.FunctionKey, StringComparison.Ordinal) && l.Contains("x-functions-key", StringComparison.Ordinal) && l.Contains("/api/referrals", StringComparison.Ordinal));
            Assert.False(string.IsNullOrEmpty(state.ControlRoomKey));
            Assert.Contains(screen, l => l.Contains("X-Control-Room-Key", StringComparison.Ordinal) && l.Contains(state.ControlRoomKey, StringComparison.Ordinal));
            Assert.Contains(screen, l => l.Contains("nightsafe keys", StringComparison.Ordinal));
            // The summary runs when the night ends (routing.json: 08:00 London).
            Assert.Contains(screen, l => l.StartsWith("End-of-night summary: the timer runs it at 08:00 on the app's clock (Sat 19 Dec, in ", StringComparison.Ordinal));
            Assert.DoesNotContain(printed, l => state.PartnerKeys.Values.Any(key => l.Contains(key, StringComparison.Ordinal)));
            // The next steps come twice: on the screen, and after the start-up logs.
            Assert.Equal(2, printed.Count(l => l.Contains("Next, in another terminal", StringComparison.Ordinal)));
            Assert.DoesNotContain(printed, l => l.Contains("Execution attempt", StringComparison.OrdinalIgnoreCase));

            var (keysCode, keys) = await RunAsync(["keys", "--state", statePath]);
            Assert.Equal(0, keysCode);
            Assert.All(state.PartnerKeys.Values, key => Assert.Contains(key, keys, StringComparison.Ordinal));
            Assert.Contains("street-pastors-chelmsford", keys, StringComparison.Ordinal);
            Assert.Contains("/api/sign-in?t=", keys, StringComparison.Ordinal);

            var (again, refusal) = await RunAsync(["up", "--functions-port", $"{FreeTcpPort.Next()}", "--state", statePath]);
            Assert.Equal(2, again);
            Assert.Equal($"A NightSafe stack is already running (pid {up.Id}); stop it with dotnet nightsafe down.", refusal.Trim());

            string reply = string.Empty;
            await WaitForAsync(
                async () =>
                {
                    // The roster is seeded as the app starts: until then an officer is answered as a stranger.
                    (var code, reply) = await RunAsync(["text", "Chelmsford spiked outside Bar 9, female 20s, 07700 900123, consent y", "--from", "+447700900001", "--state", statePath]);
                    return code == 0 && !reply.StartsWith(OfficerReplies.Neutral, StringComparison.Ordinal);
                },
                "an officer's reply");
            Assert.StartsWith("NightSafe ref ", reply, StringComparison.Ordinal);

            string sms = string.Empty;
            await WaitForAsync(
                async () =>
                {
                    (var code, sms) = await RunAsync(["sms", "--state", statePath]);
                    return code == 0 && sms.Contains("+447700900123", StringComparison.Ordinal);
                },
                "the advice SMS listed through the Twilio SDK");

            using (var interrupt = Process.Start("kill", ["-INT", $"{up.Id}"]))
            {
                await interrupt.WaitForExitAsync();
            }

            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(45));
            await up.WaitForExitAsync(stopping.Token);
            Assert.Equal(0, up.ExitCode);
            Assert.Contains(lines, l => l.Contains("Nothing is left running", StringComparison.Ordinal));
            Assert.False(File.Exists(statePath), "the state file outlived the stack");
            Assert.All(ports, port => Assert.True(FreeTcpPort.IsFree(port), $"port {port} is still in use"));
            Assert.False(state.WorkerProcessId is { } worker && IsRunning(worker), $"the Functions worker (pid {state.WorkerProcessId}) is still running");
            Assert.DoesNotContain(Processes(), cmd => cmd.Contains($"--blobPort {ports[0]}", StringComparison.Ordinal));
        }
        finally
        {
            if (!up.HasExited)
            {
                up.Kill(entireProcessTree: true);
            }

            foreach (var line in lines)
            {
                output.WriteLine(line);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Up_keeps_the_roster_and_referrals_across_a_restart_and_in_memory_keeps_nothing()
    {
        int[] ports = [.. Enumerable.Range(0, 6).Select(_ => FreeTcpPort.Next()).Distinct()];
        Assert.Equal(6, ports.Length);
        var folder = Directory.CreateTempSubdirectory("nightsafe-data-").FullName;
        var statePath = Path.Combine(folder, "stack.json");
        string[] up = ["up", "--azurite-blob-port", $"{ports[0]}", "--azurite-queue-port", $"{ports[1]}", "--azurite-table-port", $"{ports[2]}",
            "--servicebus-port", $"{ports[3]}", "--functions-port", $"{ports[4]}", "--twilio-port", $"{ports[5]}", "--state", statePath];
        const string Collar = "PC9123";
        const string OfficerPhone = "+447700900777";
        try
        {
            string reference;
            await using (await RunningUpAsync(up, statePath))
            {
                var (added, addOutput) = await RunAsync(["roster", "add", "--collar", Collar, "--name", "Jo Kept", "--town", "chelmsford", "--phone", "07700 900777", "--state", statePath]);
                Assert.True(added == 0, addOutput);
                reference = await ReferAsync(OfficerPhone, statePath);
            }

            Assert.True(File.Exists(Path.Combine(folder, StackData.PepperFile)), "the phone key pepper was not kept with the data");
            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(StackData.AzuriteFolder(folder)));

            // Restarted: the officer added last time is still on the roster, and still found by their phone (the
            // pepper their row is keyed with was kept too); the referral is still there.
            await using (await RunningUpAsync(up, statePath))
            {
                var (listed, roster) = await RunAsync(["roster", "list", "--state", statePath]);
                Assert.Equal(0, listed);
                Assert.Contains(Collar, roster, StringComparison.Ordinal);
                var (found, status) = await RunAsync(["status", reference, "--state", statePath]);
                Assert.True(found == 0, status);
                Assert.Contains(reference, status, StringComparison.Ordinal);
                Assert.NotEqual(reference, await ReferAsync(OfficerPhone, statePath));
            }

            await using (await RunningUpAsync([.. up, "--in-memory"], statePath))
            {
                var (listed, roster) = await RunAsync(["roster", "list", "--state", statePath]);
                Assert.Equal(0, listed);
                Assert.DoesNotContain(Collar, roster, StringComparison.Ordinal);
                var (found, status) = await RunAsync(["status", reference, "--state", statePath]);
                Assert.NotEqual(0, found);
                Assert.Contains($"No referral {reference}", status, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>An officer's referral through `text`; its reference.</summary>
    private static async Task<string> ReferAsync(string officerPhone, string statePath)
    {
        var reply = string.Empty;
        await WaitForAsync(
            async () =>
            {
                // The app may still be starting its queue triggers: until the reply names a reference, ask again.
                (var code, reply) = await RunAsync(["text", "Chelmsford drunk and alone outside Bar 9, female 20s, no consent", "--from", officerPhone, "--state", statePath]);
                return code == 0 && reply.Contains("NightSafe ref ", StringComparison.Ordinal);
            },
            "a referral's reply to " + officerPhone);
        var at = reply.IndexOf("NightSafe ref ", StringComparison.Ordinal) + "NightSafe ref ".Length;
        return new string([.. reply[at..].TakeWhile(char.IsAsciiLetterOrDigit)]);
    }

    /// <summary>`up` started and ready; disposing it stops it with SIGINT and waits until it has exited cleanly.</summary>
    private async Task<IAsyncDisposable> RunningUpAsync(string[] arguments, string statePath)
    {
        var lines = new ConcurrentQueue<string>();
        var up = Start(arguments, lines);
        var running = new RunningUp(up, lines, output);
        try
        {
            await WaitForAsync(() => up.HasExited || lines.Any(l => l.Contains("Ready. Logs follow", StringComparison.Ordinal)), "up to be ready");
            Assert.False(up.HasExited, "up exited early:\n" + string.Join("\n", lines));
            Assert.True(File.Exists(statePath));
            return running;
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }
    }

    private sealed class RunningUp(Process up, ConcurrentQueue<string> lines, ITestOutputHelper output) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!up.HasExited)
                {
                    using (var interrupt = Process.Start("kill", ["-INT", $"{up.Id}"]))
                    {
                        await interrupt.WaitForExitAsync();
                    }

                    using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(45));
                    await up.WaitForExitAsync(stopping.Token);
                }

                Assert.Equal(0, up.ExitCode);
            }
            finally
            {
                if (!up.HasExited)
                {
                    up.Kill(entireProcessTree: true);
                }

                foreach (var line in lines)
                {
                    output.WriteLine(line);
                }

                up.Dispose();
            }
        }
    }

    private static Process Start(IEnumerable<string> arguments, ConcurrentQueue<string> lines)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(Cli);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Keep(string? line)
        {
            if (line is not null)
            {
                lines.Enqueue(line);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments)
    {
        var lines = new ConcurrentQueue<string>();
        using var process = Start(arguments, lines);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, string.Join("\n", lines));
    }

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // Every process's command line (Linux /proc), to prove no Azurite of ours survived.
    private static IEnumerable<string> Processes() =>
        Directory.EnumerateDirectories("/proc")
            .Select(dir => Path.Combine(dir, "cmdline"))
            .Select(path =>
            {
                try
                {
                    return File.ReadAllText(path).Replace('\0', ' ');
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return string.Empty;
                }
            });
}
