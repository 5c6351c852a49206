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
}
