using System.Diagnostics;
using NightSafe.LocalStack;

namespace NightSafe.Infra.Tests;

/// <summary>azd's postprovision hook prints what is left to do from the outputs, and takes no secret.</summary>
public sealed class AzdHookTests
{
    [Fact]
    public async Task The_postprovision_hook_names_the_vault_the_webhooks_and_partner_principals_and_sets_nothing()
    {
        var root = RepositoryLayout.FindRoot();
        var azureYaml = await File.ReadAllTextAsync(Path.Combine(root, "azure.yaml"));
        Assert.Contains("postprovision:", azureYaml, StringComparison.Ordinal);
        Assert.Contains("./infra/hooks/postprovision.sh", azureYaml, StringComparison.Ordinal);

        var start = new ProcessStartInfo("sh", [Path.Combine(root, "infra", "hooks", "postprovision.sh")]) { RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["KEY_VAULT_NAME"] = "kv-ns-test";
        start.Environment["FUNCTION_APP_NAME"] = "func-nightsafe-test";
        start.Environment["FUNCTION_APP_HOST_NAME"] = "func-nightsafe-test.azurewebsites.net";
        start.Environment["TWILIO_INBOUND_WEBHOOK_URL"] = "https://func-nightsafe-test.azurewebsites.net/api/sms/inbound";
        using var hook = Process.Start(start)!;
        var printed = await hook.StandardOutput.ReadToEndAsync();
        await hook.WaitForExitAsync();

        Assert.Equal(0, hook.ExitCode);
        Assert.Contains("--vault-name kv-ns-test --name twilio-auth-token", printed, StringComparison.Ordinal);
        Assert.Contains("https://func-nightsafe-test.azurewebsites.net/api/sms/inbound", printed, StringComparison.Ordinal);
        Assert.Contains("partnerPrincipals", printed, StringComparison.Ordinal);
        Assert.Contains("https://func-nightsafe-test.azurewebsites.net/api/health", printed, StringComparison.Ordinal);
        // Secrets are read without echo straight into Key Vault; none goes through azd's environment.
        Assert.DoesNotContain("azd env set TWILIO", printed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("read -rsp 'Twilio Auth Token: '", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_postprovision_hook_applies_the_pages_app_roles_with_az_when_the_pages_have_sign_in()
    {
        var root = RepositoryLayout.FindRoot();
        var bin = Directory.CreateTempSubdirectory("nightsafe-az-");
        try
        {
            // A stand-in for the Azure CLI on PATH: records its arguments and the roles file it was given.
            var record = Path.Combine(bin.FullName, "calls.txt");
            var az = Path.Combine(bin.FullName, "az");
            await File.WriteAllTextAsync(az, "#!/bin/sh\necho \"$@\" >> '" + record + "'\nfor a in \"$@\"; do case \"$a\" in @*) cat \"${a#@}\" >> '" + record + "';; esac; done\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            const string roles = """[{"allowedMemberTypes":["User"],"displayName":"Control room","id":"6f1c1d5e-0000-4000-8000-000000000001","isEnabled":true,"value":"NightSafe.ControlRoom"}]""";

            var start = new ProcessStartInfo("sh", [Path.Combine(root, "infra", "hooks", "postprovision.sh")]) { RedirectStandardOutput = true, UseShellExecute = false };
            start.Environment["PATH"] = bin.FullName + ":" + Environment.GetEnvironmentVariable("PATH");
            start.Environment["PAGES_CLIENT_ID"] = "11111111-2222-3333-4444-555555555555";
            start.Environment["PAGES_APP_ROLES"] = roles;
            using var hook = Process.Start(start)!;
            var printed = await hook.StandardOutput.ReadToEndAsync();
            await hook.WaitForExitAsync();

            Assert.Equal(0, hook.ExitCode);
            var calls = await File.ReadAllTextAsync(record);
            Assert.StartsWith("ad app update --id 11111111-2222-3333-4444-555555555555 --app-roles @", calls, StringComparison.Ordinal);
            Assert.Contains(roles, calls, StringComparison.Ordinal);
            Assert.Contains("App roles applied", printed, StringComparison.Ordinal);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Without_pages_sign_in_the_hook_touches_no_app_registration()
    {
        var root = RepositoryLayout.FindRoot();
        var start = new ProcessStartInfo("sh", [Path.Combine(root, "infra", "hooks", "postprovision.sh")]) { RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["PAGES_CLIENT_ID"] = string.Empty;
        start.Environment["PAGES_APP_ROLES"] = "[]";
        using var hook = Process.Start(start)!;
        var printed = await hook.StandardOutput.ReadToEndAsync();
        await hook.WaitForExitAsync();

        Assert.Equal(0, hook.ExitCode);
        Assert.DoesNotContain("app roles", printed, StringComparison.OrdinalIgnoreCase);
    }
}
