using System.Net;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using NightSafe.Cli.Partners;
using NightSafe.Core.Intake;
using NightSafe.Cli.Sms;
using NightSafe.Cli.Stack;

namespace NightSafe.EndToEnd.Tests;

/// <summary>`nightsafe roster ...` against a running stack, and the anonymous operations endpoints through the dev host.</summary>
public sealed class ControlRoomCommandTests(HubFixture fixture, ITestOutputHelper output) : IClassFixture<HubFixture>
{
    private OfflineHub Hub => fixture.Hub;

    [Fact]
    public async Task Roster_add_list_remove_and_import_change_who_may_refer_and_never_print_a_full_phone()
    {
        var state = Path.Combine(Path.GetTempPath(), "nightsafe-" + Guid.NewGuid().ToString("N"), "stack.json");
        var csv = Path.Combine(Path.GetDirectoryName(state)!, "roster.csv");
        try
        {
            await StackStateFile.WriteAsync(state, Hub.State(Environment.ProcessId), CancellationToken.None);
            await File.WriteAllTextAsync(csv, "collar,name,town,phone,supervisor\nEX901,PC Imported,Grays,07700 900951,no\n");
            var phone = new OfficerPhone(fixture.Http, Hub.Functions.BaseUrl, Hub.PublicBaseUrl, Hub.Twilio.AccountSid, Hub.Twilio.AuthToken, OfflineHub.HubNumber);

            var (added, addOut, _) = await InProcessCli.RunAsync("roster", "add", "--collar", "EX900", "--name", "PC Added", "--town", "colchester", "--phone", "07700 900950", "--supervisor", "--state", state);
            var (imported, _, _) = await InProcessCli.RunAsync("roster", "import", csv, "--state", state);
            var (listed, list, _) = await InProcessCli.RunAsync("roster", "list", "--state", state);
            var referral = await phone.TextAsync("+447700900951", "Grays alone outside the station consent n", CancellationToken.None);
            var (removed, _, _) = await InProcessCli.RunAsync("roster", "remove", "EX901", "--state", state);
            var after = await phone.TextAsync("+447700900951", "Grays alone outside the station consent n", CancellationToken.None);
            var (missing, _, error) = await InProcessCli.RunAsync("roster", "remove", "NOSUCH", "--state", state);

            Assert.Equal(0, added);
            Assert.Contains("EX900", addOut, StringComparison.Ordinal);
            Assert.Equal(0, imported);
            Assert.Equal(0, listed);
            Assert.Contains("EX901", list, StringComparison.Ordinal);
            Assert.Contains("supervisor", list, StringComparison.Ordinal);
            Assert.DoesNotContain("900950", list + addOut, StringComparison.Ordinal);
            Assert.DoesNotContain("900951", list, StringComparison.Ordinal);
            Assert.NotNull(referral.Reference);
            Assert.Equal(0, removed);
            Assert.Null(after.Reference);
            Assert.Equal(1, missing);
            Assert.Contains("404", error, StringComparison.Ordinal);
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(state)!, recursive: true);
        }
    }

    [Fact]
    public async Task Erase_referral_and_erase_phone_erase_through_the_dev_host_and_print_the_number_masked()
    {
        var state = Path.Combine(Path.GetTempPath(), "nightsafe-" + Guid.NewGuid().ToString("N"), "stack.json");
        try
        {
            await StackStateFile.WriteAsync(state, Hub.State(Environment.ProcessId), CancellationToken.None);
            // Through the stand-in, as through Twilio: it holds each text and the hub's TwiML reply, as the erasure finds them.
            var phone = new OfficerPhone(fixture.Http, Hub.Functions.BaseUrl, Hub.PublicBaseUrl, Hub.Twilio.AccountSid, Hub.Twilio.AuthToken, OfflineHub.HubNumber) { StandIn = Hub.Twilio };
            var first = await Eventually.ValueAsync(
                async () => await phone.TextAsync("+447700900001", "Chelmsford alone outside the station 07700 900971 consent n", CancellationToken.None) is { Reference: not null } r ? r : null,
                TimeSpan.FromSeconds(30),
                "an officer's acknowledgement");
            var second = await phone.TextAsync("+447700900001", "Colchester alone by the castle 07700 900972 consent n", CancellationToken.None);
            Assert.NotNull(first.Reference);
            Assert.NotNull(second.Reference);

            bool Replied(OfficerReply reply) =>
                Hub.Twilio.Messages.Any(m => m.Direction == TwilioStandIn.MessageDirection.OutboundReply && m.Body.Contains(reply.Reference.ToString()!, StringComparison.Ordinal));
            Assert.True(Replied(first) && Replied(second));

            var (one, oneOut, _) = await InProcessCli.RunAsync("erase", "referral", Hub.Night.ToString(), first.Reference.ToString()!, "--state", state);
            var (again, againOut, _) = await InProcessCli.RunAsync("erase", "referral", Hub.Night.ToString(), first.Reference.ToString()!, "--state", state);
            // The first referral's reply went with it; the next referral's, to the same officer a moment later, stays.
            Assert.False(Replied(first), "the first referral's TwiML reply is still held at Twilio");
            Assert.True(Replied(second), "the second referral's TwiML reply went with the first referral");
            var (byPhone, phoneOut, _) = await InProcessCli.RunAsync("erase", "phone", "07700 900972", "--state", state);
            Assert.False(Replied(second), "the second referral's TwiML reply is still held after its erasure by phone");
            var (missing, _, error) = await InProcessCli.RunAsync("erase", "referral", Hub.Night.ToString(), "ZZZZZZ", "--state", state);

            Assert.Equal((0, 0, 0), (one, again, byPhone));
            Assert.Contains($"{first.Reference}: erased", oneOut, StringComparison.Ordinal);
            Assert.Contains($"{first.Reference}: already-erased", againOut, StringComparison.Ordinal);
            Assert.Contains($"{second.Reference}: erased", phoneOut, StringComparison.Ordinal);
            Assert.Contains("+44*******972", phoneOut, StringComparison.Ordinal);
            Assert.DoesNotContain("900972", phoneOut, StringComparison.Ordinal);
            Assert.Equal(1, missing);
            Assert.Contains("404", error, StringComparison.Ordinal);
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(state)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_hub_url_is_one_line_without_a_stack_trace()
    {
        var (code, stdout, stderr) = await InProcessCli.RunAsync("roster", "list", "--hub", "not a url", "--key", "k");

        Assert.NotEqual(0, code);
        Assert.Contains("--hub must be an http(s) URL", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_and_the_openapi_document_answer_anonymously_through_the_dev_host()
    {
        using var health = await fixture.Http.GetAsync(new Uri(Hub.Functions.BaseUrl, "api/health"));
        using var openApi = await fixture.Http.GetAsync(new Uri(Hub.Functions.BaseUrl, "api/openapi.json"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("healthy", JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal("3.1.0", JsonDocument.Parse(await openApi.Content.ReadAsStringAsync()).RootElement.GetProperty("openapi").GetString());
    }

    [Fact]
    public async Task The_sample_partner_consumer_accepts_its_own_case_and_dead_letters_a_forged_or_invalid_message_unread()
    {
        const string agency = "street-pastors-chelmsford";
        using var consumer = PartnerConsumer.ConsumerApp.Build([], new Dictionary<string, string?>
        {
            ["Partner:Agency"] = agency,
            ["Partner:ServiceBusConnectionString"] = Hub.ServiceBus.ConnectionString,
            ["Partner:HubUrl"] = Hub.Functions.BaseUrl.ToString(),
            ["Partner:PartnerKey"] = Hub.PartnerKeys[agency],
        });
        try
        {
            await consumer.StartAsync();
            await using var bus = new ServiceBusClient(Hub.ServiceBus.ConnectionString);
            await using (var sender = bus.CreateSender("cases"))
            {
                var forged = new ServiceBusMessage("""{"schemaVersion":1,"type":"case","agency":"street-pastors-colchester","reference":"K7Q2MX","night":"2026-12-18"}""") { MessageId = "forged-1", Subject = "case" };
                forged.ApplicationProperties["agency"] = agency;
                var invalid = new ServiceBusMessage("""{"schemaVersion":1,"type":"case","agency":"street-pastors-chelmsford","subjectPhone":"07700 900123"}""") { MessageId = "invalid-1", Subject = "case" };
                invalid.ApplicationProperties["agency"] = agency;
                await sender.SendMessagesAsync([forged, invalid]);
            }

            var phone = new OfficerPhone(fixture.Http, Hub.Functions.BaseUrl, Hub.PublicBaseUrl, Hub.Twilio.AccountSid, Hub.Twilio.AuthToken, OfflineHub.HubNumber);
            var reply = await Eventually.ValueAsync(
                async () => await phone.TextAsync("+447700900001", "Chelmsford spiked outside Bar 9, female 20s, consent y", CancellationToken.None) is { Reference: not null } r && r.Message != OfficerReplies.Neutral ? r : null,
                TimeSpan.FromSeconds(30),
                "an officer's acknowledgement");
            var api = new HubApi(fixture.Http, Hub.Functions.BaseUrl, Hub.ControlRoomKey, Hub.Functions.MasterKey);
            var accepted = await Eventually.ValueAsync(
                async () => await api.ReadReferralAsync(Hub.Night.ToString(), reply.Reference!.ToString()!, CancellationToken.None) is { } view && view.Cases.Any(c => c.Agency == agency && c.Status == "Accepted") ? view : null,
                TimeSpan.FromSeconds(30),
                "the sample consumer's acceptance of its case");

            await using var deadLetters = bus.CreateReceiver("cases", agency, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
            var refused = new Dictionary<string, string>();
            await Eventually.ValueAsync(
                async () =>
                {
                    if (await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(1)) is { } m)
                    {
                        refused[m.MessageId] = m.DeadLetterErrorDescription;
                        await deadLetters.CompleteMessageAsync(m);
                    }

                    return refused.Count >= 2 ? refused : null;
                },
                TimeSpan.FromSeconds(30),
                "both refused messages on the dead-letter queue");

            Assert.Contains(accepted.Cases, c => c.Agency == agency && c.Status == "Accepted");
            Assert.Equal("body agency is not ours", refused["forged-1"]);
            Assert.StartsWith("schema: ", refused["invalid-1"], StringComparison.Ordinal);
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
        finally
        {
            await consumer.StopAsync();
        }
    }

    [Fact]
    public async Task Duty_phones_add_list_remove_change_who_answers_for_an_agency_and_never_print_a_full_phone()
    {
        const string agency = "street-pastors-southend";
        var state = Path.Combine(Path.GetTempPath(), "nightsafe-" + Guid.NewGuid().ToString("N"), "stack.json");
        try
        {
            await StackStateFile.WriteAsync(state, Hub.State(Environment.ProcessId), CancellationToken.None);
            var phone = new OfficerPhone(fixture.Http, Hub.Functions.BaseUrl, Hub.PublicBaseUrl, Hub.Twilio.AccountSid, Hub.Twilio.AuthToken, OfflineHub.HubNumber);

            var before = await phone.TextAsync("+447700900961", "HELP", CancellationToken.None);
            var (_, seeded, _) = await InProcessCli.RunAsync("duty-phones", "list", "--agency", agency, "--state", state);
            var (added, addOut, _) = await InProcessCli.RunAsync("duty-phones", "add", agency, "07700 900961", "--state", state);
            var (listed, list, _) = await InProcessCli.RunAsync("duty-phones", "list", "--agency", agency, "--state", state);
            var during = await phone.TextAsync("+447700900961", "HELP", CancellationToken.None);
            var (removed, removeOut, _) = await InProcessCli.RunAsync("duty-phones", "remove", agency, "+44 7700 900961", "--state", state);
            var after = await phone.TextAsync("+447700900961", "HELP", CancellationToken.None);
            var (missing, _, error) = await InProcessCli.RunAsync("duty-phones", "remove", agency, "07700 900961", "--state", state);
            var (refused, _, noKey) = await InProcessCli.RunAsync("duty-phones", "list", "--hub", Hub.Functions.BaseUrl.ToString(), "--key", "not-the-key");

            Assert.Equal(OfficerReplies.Neutral, before.Message);
            Assert.Equal(0, added);
            Assert.Contains(agency, addOut, StringComparison.Ordinal);
            Assert.Equal(0, listed);
            Assert.Contains("routing.json", seeded, StringComparison.Ordinal);
            Assert.DoesNotContain("routing.json", list, StringComparison.Ordinal);
            Assert.Equal(2, list.Split('\n').Count(l => l.Contains("on duty", StringComparison.Ordinal) && l.StartsWith(agency, StringComparison.Ordinal)));
            Assert.NotEqual(OfficerReplies.Neutral, during.Message);
            Assert.Equal(0, removed);
            Assert.Contains("removed", removeOut, StringComparison.Ordinal);
            Assert.Equal(OfficerReplies.Neutral, after.Message);
            Assert.Equal(1, missing);
            Assert.Contains("404", error, StringComparison.Ordinal);
            Assert.Equal(1, refused);
            Assert.Contains("401", noKey, StringComparison.Ordinal);
            Assert.DoesNotContain("900961", addOut + list + removeOut, StringComparison.Ordinal);
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(state)!, recursive: true);
        }
    }
}
