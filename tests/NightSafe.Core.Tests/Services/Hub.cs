using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NightSafe.Core.Advice;
using NightSafe.Core.Control;
using NightSafe.Core.DependencyInjection;
using NightSafe.Core.Intake;
using NightSafe.Core.Outcomes;
using NightSafe.Core.Partners;
using NightSafe.Core.Ports;
using NightSafe.Core.Retention;
using NightSafe.Core.Routing;
using NightSafe.Core.Sms;
using NightSafe.Core.Summaries;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Services;

/// <summary>Core's services wired as the app wires them, over in-memory ports and a fake clock.</summary>
internal sealed class Hub
{
    public const string OfficerPhone = "+447700900001";

    private static readonly Lazy<RoutingWorld> SharedWorld = new(() => RoutingWorld.Load(FindRoutingJson()));

    /// <summary>Friday 18 December 2026, 23:30 in London (GMT): street pastors and councils are on duty.</summary>
    public static readonly DateTimeOffset FridayNight = new(2026, 12, 18, 23, 30, 0, TimeSpan.Zero);

    public Hub(DateTimeOffset? now = null)
    {
        Time = new FakeTimeProvider(now ?? FridayNight);
        Steps = new DelayedPartnerLoopQueue(Time);
        Ledger = new InMemoryLedger(Time, Conversations);
        Settings = new HubSettings(new Uri("https://nightsafe.example.net/"), RetentionDays: 31);
        var services = new ServiceCollection()
            .AddSingleton(World)
            .AddSingleton(Settings)
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton<IReferralStore>(Store)
            .AddSingleton<IInboundLedger>(Ledger)
            .AddSingleton<IOfficerRoster>(Roster)
            .AddSingleton<IRosterDirectory>(Roster)
            .AddSingleton<IDutyPhoneStore>(DutyPhones)
            .AddSingleton<IPhoneIds>(PhoneIds)
            .AddSingleton<IOptOutRegistry>(OptOuts)
            .AddSingleton<IConversationStore>(Conversations)
            .AddSingleton<IRoutingQueue>(RoutingQueue)
            .AddSingleton<IPartnerMessagePublisher>(Publisher)
            .AddSingleton<ISmsSender>(Sms = new ScriptedSmsSender(Time))
            .AddSingleton<ISmsMarkers>(Markers)
            .AddSingleton<IOutboundSmsQueue>(PartnerSms = new RecordingOutboundSms(SmsQueue))
            .AddSingleton<ISummaryStore>(SummaryStore)
            .AddSingleton<IPartnerLoopQueue>(Steps)
            .AddSingleton<ISmsRecords>(SmsRecords)
            .AddSingleton<ISmsRecordDeletions>(SmsRecords)
            .AddSingleton<IDeadLetteredCases>(DeadLetters)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddNightSafeCore();
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Intake = Services.GetRequiredService<ReferralIntake>();
        Gate = Services.GetRequiredService<InboundGate>();
        PoisonedInbound = Services.GetRequiredService<PoisonedInbound>();
        Outbound = Services.GetRequiredService<OutboundSms>();
        SmsWork = Services.GetRequiredService<OutboundSmsWork>();
        AtOnce = Services.GetRequiredService<SmsAtOnce>();
        Conversation = Services.GetRequiredService<OfficerConversation>();
        Advice = Services.GetRequiredService<AdviceSms>();
        Router = Services.GetRequiredService<ReferralRouter>();
        Manual = Services.GetRequiredService<ManualRouting>();
        Partners = Services.GetRequiredService<PartnerCases>();
        Loop = Services.GetRequiredService<PartnerLoop>();
        LoopPoison = Services.GetRequiredService<PartnerLoopPoisoned>();
        PartnerTexts = Services.GetRequiredService<PartnerTexts>();
        Reports = Services.GetRequiredService<AdviceDeliveryReports>();
        Summaries = Services.GetRequiredService<NightSummaries>();
        Retention = Services.GetRequiredService<RetentionPurge>();
        Dossiers = Services.GetRequiredService<ReferralDossiers>();
        Erasure = Services.GetRequiredService<ReferralErasure>();
        Roster.UpsertAsync(new Officer(OfficerPhone, "PC Patel", "PC 4107", new TownId("chelmsford")), CancellationToken.None).GetAwaiter().GetResult();
    }

    public static RoutingWorld World => SharedWorld.Value;

    public FakeTimeProvider Time { get; }

    /// <summary>Core's services as <c>AddNightSafeCore</c> registers them for the app.</summary>
    public ServiceProvider Services { get; }

    public HubSettings Settings { get; }

    public InMemoryReferralStore Store { get; } = new();

    public InMemoryLedger Ledger { get; }

    public InMemoryRoster Roster { get; } = new();

    public InMemoryOptOuts OptOuts { get; } = new();

    public InMemoryDutyPhones DutyPhones { get; } = new();

    public KeyedPhoneIds PhoneIds { get; } = new();

    public InMemoryConversations Conversations { get; } = new();

    public RecordingRoutingQueue RoutingQueue { get; } = new();

    public RecordingPublisher Publisher { get; } = new();

    public ScriptedSmsSender Sms { get; }

    public InMemorySmsMarkers Markers { get; } = new();

    public RecordingSmsQueue SmsQueue { get; } = new();

    /// <summary>Items that reached the sms-outbound poison queue.</summary>
    public ConcurrentQueue<OutboundSmsItem> SmsPoisoned { get; } = new();

    public OutboundSms Outbound { get; }

    public OutboundSmsWork SmsWork { get; }

    /// <summary>Sends an SMS from the work that decided it, or queues it (one gate for the provider).</summary>
    public SmsAtOnce AtOnce { get; }

    public InMemorySummaryStore SummaryStore { get; } = new();

    /// <summary>
    /// Every plain SMS (not the advice, whose mark keeps no outcome) that reached the provider, with the key it was marked
    /// under: sent at once by the work that decided it, or from the queue.
    /// </summary>
    public IReadOnlyList<(string Key, string To, string Body)> Texted =>
        [.. Markers.Sent.Join(Sms.Provider, m => m.MessageId, p => p.Sid, (m, p) => (m.Key, m.To, p.Sms.Body))];

    /// <summary>Outbound SMS work items queued, kept once per (key, recipient) as the outbound SMS queue sends them.</summary>
    public RecordingOutboundSms PartnerSms { get; }

    /// <summary>The partner-loop queue: items become due after their delay on the fake clock.</summary>
    public DelayedPartnerLoopQueue Steps { get; }

    public PartnerLoop Loop { get; }

    public PartnerTexts PartnerTexts { get; }

    public InboundGate Gate { get; }

    public PoisonedInbound PoisonedInbound { get; }

    public ReferralIntake Intake { get; }

    public OfficerConversation Conversation { get; }

    public AdviceSms Advice { get; }

    public ReferralRouter Router { get; }

    public ManualRouting Manual { get; }

    public PartnerLoopPoisoned LoopPoison { get; }

    public PartnerCases Partners { get; }

    public AdviceDeliveryReports Reports { get; }

    public NightSummaries Summaries { get; }

    public RetentionPurge Retention { get; }

    public ReferralDossiers Dossiers { get; }

    public ReferralErasure Erasure { get; }

    /// <summary>The provider's message records and the deletions still to do.</summary>
    public InMemorySmsRecords SmsRecords { get; } = new();

    public InMemoryDeadLetters DeadLetters { get; } = new();

    private int _sid;

    /// <summary>An officer's text, as Twilio would deliver it (a fresh MessageSid each time unless given).</summary>
    public Task<string?> TextAsync(string body, string from = OfficerPhone, string? messageSid = null) =>
        Conversation.ReplyToAsync(new InboundSms(messageSid ?? "SM" + Interlocked.Increment(ref _sid).ToString("D32", System.Globalization.CultureInfo.InvariantCulture), from, body), null, CancellationToken.None);

    /// <summary>An officer's referral, routed: the newest referral once the routing queue is empty.</summary>
    public async Task<Referrals.Referral> ReferAndRouteAsync(string text = "Chelmsford spiked outside Bar 9, 07700 900123, consent y")
    {
        await TextAsync(text);
        await RouteQueuedAsync();
        return Store.Referrals.OrderBy(r => r.ReceivedAt).Last();
    }

    /// <summary>Routes everything waiting on the routing queue, then sends what routing queued on sms-outbound.</summary>
    public async Task RouteQueuedAsync()
    {
        while (RoutingQueue.Items.TryDequeue(out var item))
        {
            await Router.RouteAsync(Nights.NightId.Parse(item.Night), References.ReferenceCode.Parse(item.Reference), CancellationToken.None);
        }

        await SendQueuedSmsAsync();
    }

    /// <summary>
    /// Works the sms-outbound queue as the host does: a failed item is tried again after the visibility timeout (the
    /// clock moves on 11 s), up to <paramref name="maxDequeueCount"/> times, then goes to the poison queue's handler.
    /// </summary>
    public async Task SendQueuedSmsAsync(int maxDequeueCount = 5)
    {
        while (SmsQueue.Items.TryDequeue(out var item))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await SmsWork.HandleAsync(item, CancellationToken.None);
                    break;
                }
                catch (Exception) when (attempt < maxDequeueCount)
                {
                    Time.Advance(TimeSpan.FromSeconds(11));
                }
                catch (Exception)
                {
                    SmsPoisoned.Enqueue(item);
                    await SmsWork.PoisonedAsync(item, "poison-" + attempt, CancellationToken.None);
                    break;
                }
            }
        }
    }

    /// <summary>Runs every partner-loop step due by now (and those they schedule for now), as the queue trigger would.</summary>
    public async Task RunDueStepsAsync()
    {
        while (Steps.TakeDue() is { } item)
        {
            await Loop.HandleAsync(item, CancellationToken.None);
        }
    }

    private static string FindRoutingJson()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "functions", "NightSafe.Functions", "routing.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("functions/NightSafe.Functions/routing.json not found above the test folder.");
    }
}
