using System.Text.Json;
using NightSafe.Infra.Tests.Bicep;
using NightSafe.Infra.Tests.Snapshots;

namespace NightSafe.Infra.Tests;

/// <summary>The Bicep compiles and lints with no error and no warning, with infra/bicepconfig.json's rules.</summary>
public sealed class BicepCompileTests
{
    private readonly BicepCli _bicep = BicepCli.Locate();

    [Fact]
    public async Task Main_template_builds_with_no_errors_or_warnings()
    {
        using var copy = InfraCopy.Create();
        var outFile = Path.Combine(copy.Root, "main.json");

        var run = await _bicep.RunAsync(copy.Infra, ["build", "main.bicep", "--no-restore", "--diagnostics-format", "sarif", "--outfile", outFile]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(SarifLog.Diagnostics(run.StandardError));
        using var template = JsonDocument.Parse(await File.ReadAllTextAsync(outFile));
        Assert.NotEmpty(template.RootElement.GetProperty("resources").EnumerateObject());
    }

    [Fact]
    public async Task Every_bicep_file_lints_with_no_errors_or_warnings()
    {
        using var copy = InfraCopy.Create();
        var files = Directory.EnumerateFiles(copy.Infra, "*.bicep*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(files, f => f.EndsWith("main.bicepparam", StringComparison.Ordinal));
        Assert.True(files.Count(f => f.Contains("/modules/", StringComparison.Ordinal)) >= 6, string.Join(", ", files));

        foreach (var file in files)
        {
            var run = await _bicep.RunAsync(copy.Infra, ["lint", file, "--no-restore", "--diagnostics-format", "sarif"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            var diagnostics = SarifLog.Diagnostics(run.StandardOutput);
            Assert.True(diagnostics.Count == 0, $"{file}:{Environment.NewLine}{string.Join(Environment.NewLine, diagnostics)}");
        }
    }

    [Fact]
    public async Task Parameter_file_builds_against_main_bicep()
    {
        using var copy = InfraCopy.Create();

        var run = await _bicep.RunAsync(
            copy.Infra,
            ["build-params", "main.bicepparam", "--bicep-file", "main.bicep", "--no-restore", "--diagnostics-format", "sarif", "--stdout"],
            new Dictionary<string, string> { ["AZURE_ENV_NAME"] = "params-check", ["AZURE_PRINCIPAL_ID"] = "" });

        Assert.True(run.ExitCode == 0, run.ToString());
        using var output = JsonDocument.Parse(run.StandardOutput);
        using var parameters = JsonDocument.Parse(output.RootElement.GetProperty("parametersJson").GetString()!);
        var values = parameters.RootElement.GetProperty("parameters");
        Assert.Equal("params-check", values.GetProperty("environmentName").GetProperty("value").GetString());
        Assert.Equal(31, values.GetProperty("retentionDays").GetProperty("value").GetInt32());
        Assert.Equal(0, values.GetProperty("partnerPrincipals").GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task Compiled_template_carries_the_agency_ids_but_no_phone_number_from_routing_json()
    {
        using var copy = InfraCopy.Create();
        var routing = await File.ReadAllTextAsync(copy.RoutingJson);
        var outFile = Path.Combine(copy.Root, "main.json");

        var run = await _bicep.RunAsync(copy.Infra, ["build", "main.bicep", "--no-restore", "--outfile", outFile]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var template = await File.ReadAllTextAsync(outFile);
        Assert.All(RoutingFile.AgencyIds(routing), id => Assert.Contains($"\"{id}\"", template, StringComparison.Ordinal));
        // The template is kept in the deployment history: officers' and agencies' numbers must not be copied there.
        var phones = RoutingFile.PhoneNumbers(routing);
        Assert.NotEmpty(phones);
        Assert.All(phones, phone => Assert.DoesNotContain(phone, template, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compiled_template_reads_no_keys_and_outputs_no_secure_values()
    {
        using var copy = InfraCopy.Create();
        var outFile = Path.Combine(copy.Root, "main.json");

        var run = await _bicep.RunAsync(copy.Infra, ["build", "main.bicep", "--no-restore", "--outfile", outFile]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var template = await File.ReadAllTextAsync(outFile);
        foreach (var forbidden in new[] { "listKeys(", "listSecrets(", "listConnectionStrings(", "listAccountSas(", "AccountKey=", "SharedAccessKey" })
        {
            Assert.DoesNotContain(forbidden, template, StringComparison.OrdinalIgnoreCase);
        }

        using var document = JsonDocument.Parse(template);
        var outputs = document.RootElement.GetProperty("outputs").EnumerateObject().ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.DoesNotContain(
            "secure", output.Value.GetProperty("type").GetString()!, StringComparison.OrdinalIgnoreCase));
    }
}
