using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NightSafe.Core.Advice;
using NightSafe.Core.Control;
using NightSafe.Core.Intake;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Outcomes;
using NightSafe.Core.Partners;
using NightSafe.Core.Retention;
using NightSafe.Core.Routing;
using NightSafe.Core.Sms;
using NightSafe.Core.Summaries;

namespace NightSafe.Core.DependencyInjection;

/// <summary>Registers Core's rules and application services, once, for the Function App and for Core's own tests.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Core's services as singletons. The host adds what describes its world and settings (<c>RoutingWorld</c>,
    /// <see cref="HubSettings"/>, <see cref="PartnerKeyRing"/>), logging, and the adapters behind the ports; the
    /// system clock is used unless a <see cref="TimeProvider"/> is registered first.
    /// </summary>
    public static IServiceCollection AddNightSafeCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);

        // Rules over routing.json.
        services.AddSingleton<OfficerTextParser>();
        services.AddSingleton<RoutingPolicy>();
        services.AddSingleton<AdviceTemplates>();
        services.AddSingleton<OfficerReplies>();

        // Application services, one per capability folder.
        services.AddSingleton<InboundGate>();
        services.AddSingleton<ReceivedRequeue>();
        services.AddSingleton<ReferralIntake>();
        services.AddSingleton<PoisonedInbound>();
        services.AddSingleton<ReceivedSweep>();
        services.AddSingleton<OfficerConversation>();

        // Every outbound SMS: the at-most-once sender, the sms-outbound work, and the kinds that compose their own.
        services.AddSingleton<SmsProviderPace>();
        services.AddSingleton<OutboundSms>();
        services.AddSingleton<OutboundSmsWork>();
        services.AddSingleton<SmsAtOnce>();
        services.AddSingleton<AdviceSms>();
        services.AddSingleton<ISmsComposer>(sp => sp.GetRequiredService<AdviceSms>());
        services.AddSingleton<AdviceDeliveryReports>();
        services.AddSingleton<LostDeliveryReports>();
        services.AddSingleton<ReferralRouter>();
        services.AddSingleton<ManualRouting>();
        services.AddSingleton<PartnerCases>();
        services.AddSingleton<PartnerLoop>();
        services.AddSingleton<PartnerLoopPoisoned>();
        services.AddSingleton<PartnerTexts>();
        services.AddSingleton<NightSummaries>();
        services.AddSingleton<RetentionPurge>();
        services.AddSingleton<ReferralErasure>();
        services.AddSingleton<SmsRecordDeletions>();
        services.AddSingleton<DeadLetterDrain>();
        services.AddSingleton<ReferralDossiers>();
        services.AddSingleton<RosterAdministration>();
        services.AddSingleton<DutyPhoneBook>();
        services.AddSingleton<DutyPhoneAdministration>();
        return services;
    }
}
