using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using System.Security;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using NightSafe.Core.Intake;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Routing;
using NightSafe.Core.World;
using NightSafe.Functions.Http;
using NightSafe.Integrations.Twilio;

namespace NightSafe.Benchmarks;

/// <summary>
/// What the webhook does in process for one officer text (decode the form, check Twilio's signature, read the text,
/// build the reply) and what routing decides for one referral (the agencies, then each agency's minimised case).
/// Storage and network are not here: `nightsafe load` measures those.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "BenchmarkDotNet measures instance methods only.")]
public class HotPathBenchmarks
{
    private const string AuthToken = "fedcba9876543210fedcba9876543210";
    private static readonly Uri PublicUrl = new("https://nightsafe.example.net/api/sms/inbound");

    private RoutingWorld _world = null!;
    private RoutingPolicy _policy = null!;
    private OfficerTextParser _parser = null!;
    private OfficerReplies _replies = null!;
    private TwilioWebhookValidator _validator = null!;
    private string _form = null!;
    private string _signature = null!;
    private Referral _referral = null!;

    [GlobalSetup]
    public void Setup()
    {
        _world = BenchmarkWorld.Load();
        _policy = new RoutingPolicy(_world);
        _parser = new OfficerTextParser(_world);
        _replies = new OfficerReplies(_world);
        _validator = new TwilioWebhookValidator(Options.Create(new TwilioOptions { AccountSid = "AC0123456789abcdef0123456789abcdef", AuthToken = AuthToken }));
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["ApiVersion"] = "2010-04-01",
            ["Body"] = "Harlow spiked, blonde woman in a green coat, outside the Square 07700 900321 consent yes",
            ["From"] = "+447700900005",
            ["MessageSid"] = "SM0123456789abcdef0123456789abcdef",
            ["NumMedia"] = "0",
            ["NumSegments"] = "1",
            ["SmsSid"] = "SM0123456789abcdef0123456789abcdef",
            ["To"] = "+447700900000",
        };
        _form = string.Join('&', fields.Select(f => WebUtility.UrlEncode(f.Key) + "=" + WebUtility.UrlEncode(f.Value)));

        // Signed here as Twilio signs it (URL, then each name and value in name order), so the check succeeds.
        var data = new StringBuilder(PublicUrl.OriginalString);
        foreach (var (name, value) in fields)
        {
            data.Append(name).Append(value);
        }

#pragma warning disable CA5350 // HMAC-SHA1 is what Twilio signs webhooks with.
        _signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(AuthToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350

        var received = new DateTimeOffset(2026, 12, 18, 23, 0, 0, TimeSpan.Zero);
        _referral = new Referral
        {
            Night = NightId.For(received, _world),
            Reference = ReferenceCode.New(),
            ReceivedAt = received,
            Source = ReferralSource.Sms,
            TownId = new TownId("harlow"),
            Categories = [new CategoryId("spiking"), new CategoryId("intoxicated")],
            Priority = _world.PriorityOf([new CategoryId("spiking"), new CategoryId("intoxicated")]),
            Location = "outside the Square",
            Description = "blonde woman in a green coat",
            SubjectPhone = "+447700900321",
            Consent = Consent.Given,
            Officer = "PC 4471",
        };
        if (!Webhook().Contains("ref ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The webhook benchmark does not reach the accepted reply.");
        }
    }

    /// <summary>The webhook's own work for a referral text: everything but the storage round trips.</summary>
    [Benchmark(Description = "Webhook: form, signature, parse, reply")]
    public string Webhook()
    {
        var fields = FormBody.Parse(_form);
        if (!_validator.Validate(PublicUrl, fields, _signature))
        {
            throw new InvalidOperationException("The signature did not validate.");
        }

        var form = FormBody.FirstValues(fields);
        var message = _parser.Parse(form["Body"], new TownId("harlow"));
        var draft = ((ReferralRequest)message).Draft;
        var referral = _referral with { TownId = draft.TownId, Categories = draft.CategoryIds };
        var reply = _replies.Accepted(new AcceptedReferral(referral, _policy.Decide(draft.TownId, draft.CategoryIds, referral.ReceivedAt)), unreadablePhone: false);

        // The TwiML body as Responses.TwimlAsync writes it.
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>" + SecurityElement.Escape(reply) + "</Message></Response>";
    }

    /// <summary>Routing's decision for one referral: the agencies, and each agency's minimised case and message.</summary>
    [Benchmark(Description = "Routing: decide, build each case")]
    public int Route()
    {
        var decision = _policy.Decide(_referral.TownId, _referral.Categories, _referral.ReceivedAt);
        var size = 0;
        foreach (var assignment in decision.Assignments)
        {
            var agency = _world.FindAgency(assignment.AgencyId)!;
            var (body, fields) = CaseMessage.Build(_referral, agency, assignment.Categories, _world);
            var @case = new PartnerCase
            {
                Night = _referral.Night,
                Reference = _referral.Reference,
                AgencyId = agency.Id,
                DisclosedAt = _referral.ReceivedAt,
                Fields = fields,
                View = body,
            };
            size += CaseMessage.Outgoing(_referral, @case, agency, assignment.Categories).Body.Length;
        }

        return size;
    }
}
