using Amqp;
using Amqp.Sasl;
using Amqp.Types;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>
/// The SASL mechanism the SDK offers (<c>MSSBCBS</c>): no credentials at this stage, the client proves itself later
/// with CBS put-token, so the server simply answers OK.
/// </summary>
internal sealed class CbsSaslProfile() : SaslProfile(MechanismName)
{
    public const string MechanismName = "MSSBCBS";

    protected override ITransport UpgradeTransport(ITransport transport) => transport;

    protected override DescribedList GetStartCommand(string hostname) => new SaslInit { Mechanism = MechanismName };

    protected override DescribedList OnCommand(DescribedList command) => command switch
    {
        SaslInit => new SaslOutcome { Code = SaslCode.Ok },
        _ => throw new AmqpException(ErrorCode.NotAllowed, "Unexpected SASL command."),
    };
}
