using System.Text.Json.Nodes;
using NightSafe.Cli.Partners;
using NightSafe.Cli.Sms;
using NightSafe.Core.References;
using NightSafe.Core.World;
using NightSafe.TwilioStandIn;

namespace NightSafe.Cli.Demo;

/// <summary>One text as sent (a STATUS or CLOSE with the reference it used) and what the hub answered, on the demo's clock.</summary>
public sealed record TextOutcome(ScriptedText Text, string SentBody, ReferenceCode? UsedReference, OfficerReply Reply, TimeSpan RepliedAt);

/// <summary>Everything a demo night observed, from the outside: the input for its checks and figures.</summary>
public sealed record NightRecord
{
    public required RoutingWorld World { get; init; }

    public required string Night { get; init; }

    public required NightPlan Plan { get; init; }

    /// <summary>Every text sent (opt-outs, officers, strangers) in the order sent.</summary>
    public required IReadOnlyList<TextOutcome> Texts { get; init; }

    /// <summary>Each referral the night produced, as the control room reads it at the end.</summary>
    public required IReadOnlyList<ReferralView> Referrals { get; init; }

    /// <summary>Every case message the played agencies took off their subscriptions (redeliveries included).</summary>
    public required IReadOnlyList<ReceivedCase> Cases { get; init; }

    public required IReadOnlyList<ReportedOutcome> Reports { get; init; }

    /// <summary>What the partners' Service Bus processors or API calls reported as errors.</summary>
    public required IReadOnlyList<string> PartnerErrors { get; init; }

    /// <summary>The MessageIds of every <c>case-closed</c> message the played agencies received ({night}/{ref}/{agency}/closed).</summary>
    public IReadOnlyList<string> Cancellations { get; init; } = [];

    /// <summary>How each agency was played (by id).</summary>
    public IReadOnlyDictionary<string, PartnerBehaviour> Behaviours { get; init; } = new Dictionary<string, PartnerBehaviour>();

    /// <summary>The acknowledgement deadlines the stack ran with.</summary>
    public Acknowledgement Acknowledgement { get; init; } = Acknowledgement.Uniform(TimeSpan.FromMinutes(20));

    /// <summary>The local (London) time the night was played at: who was on duty.</summary>
    public DateTime LocalStart { get; init; }

    /// <summary>The Twilio stand-in's accepted messages and refusals.</summary>
    public required IReadOnlyList<SentMessage> Sms { get; init; }

    public required IReadOnlyList<RefusedMessage> Refusals { get; init; }

    /// <summary>GET /api/nights/{night}/summary once delivered; null when it never was.</summary>
    public JsonObject? Summary { get; init; }

    /// <summary>The referral an SMS's status callback names (advice texts carry ?night=&amp;ref=), or null.</summary>
    public static string? ReferenceOf(SentMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.StatusCallback is not { } callback || !Uri.TryCreate(callback, UriKind.Absolute, out var uri))
        {
            return null;
        }

        return System.Web.HttpUtility.ParseQueryString(uri.Query)["ref"];
    }

    /// <summary>Each distinct case (by MessageId), first delivery.</summary>
    public IReadOnlyList<ReceivedCase> DistinctCases =>
        [.. Cases.GroupBy(c => (c.Subscription, c.MessageId)).Select(g => g.OrderBy(c => c.ReceivedAt).First())];
}
