using Amqp;
using Amqp.Framing;
using Amqp.Listener;

namespace NightSafe.ServiceBusEmulator.Protocol;

/// <summary>
/// The request half of a request/response node (<c>$cbs</c>, <c>…/$management</c>): each request is accepted, handled,
/// and its response goes to the reply link the client attached with the request's reply-to as target.
/// </summary>
internal sealed class RequestLinkEndpoint(ConnectionContext connection, Func<Message, Message> handle) : LinkEndpoint
{
    public override void OnMessage(MessageContext messageContext)
    {
        var request = messageContext.Message;
        messageContext.Complete();
        Message response;
        try
        {
            response = handle(request);
        }
        catch (Exception exception)
        {
            // Answer rather than let the library close the link the SDK shares across requests.
            response = new Message
            {
                ApplicationProperties = new ApplicationProperties
                {
                    ["statusCode"] = 500,
                    ["statusDescription"] = exception.Message,
                    ["status-code"] = 500,
                    ["status-description"] = exception.Message,
                },
            };
        }

        response.Properties ??= new Properties();
        response.Properties.SetCorrelationId(request.Properties?.GetMessageId());
        connection.FindReplyLink(request.Properties?.ReplyTo)?.Send(response);
    }

    public override void OnFlow(FlowContext flowContext)
    {
    }

    public override void OnDisposition(DispositionContext dispositionContext)
    {
    }
}

/// <summary>The response half: sends responses as the client's credit allows.</summary>
internal sealed class ReplyLinkEndpoint : LinkEndpoint
{
    private readonly object _gate = new();
    private readonly Queue<Message> _waiting = new();
    private readonly ListenerLink _link;
    private int _credit;
    private bool _closed;

    public ReplyLinkEndpoint(ConnectionContext connection, ListenerLink link, string address)
    {
        _link = link;
        connection.AddReplyLink(address, this);
        link.AddClosedCallback((_, _) =>
        {
            lock (_gate)
            {
                _closed = true;
            }

            connection.RemoveReplyLink(address, this);
        });
    }

    public void Send(Message response)
    {
        lock (_gate)
        {
            _waiting.Enqueue(response);
            SendWhatCreditAllows();
        }
    }

    public override void OnFlow(FlowContext flowContext)
    {
        lock (_gate)
        {
            _credit = flowContext.Messages > 0 ? _credit + flowContext.Messages : 0;
            if (flowContext.Link.IsDraining)
            {
                SendWhatCreditAllows();
                _credit = 0;
                _link.CompleteDrain();
                return;
            }

            if (flowContext.Messages <= 0 && !_closed)
            {
                // The library zeroes its credit on such a flow; with no better knowledge, trust the peer's next flow.
                return;
            }

            SendWhatCreditAllows();
        }
    }

    public override void OnDisposition(DispositionContext dispositionContext)
    {
    }

    private void SendWhatCreditAllows()
    {
        while (!_closed && _credit > 0 && _waiting.TryDequeue(out var next))
        {
            _credit--;
            try
            {
                _link.SendMessage(next);
            }
            catch (AmqpException)
            {
                _closed = true;
            }
        }
    }
}
