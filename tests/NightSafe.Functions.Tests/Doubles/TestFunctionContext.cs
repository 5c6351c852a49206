using System.Collections.Immutable;
using Microsoft.Azure.Functions.Worker;

namespace NightSafe.Functions.Tests.Doubles;

/// <summary>A FunctionContext for calling function classes directly (the issue allows doubles at this level).</summary>
public sealed class TestFunctionContext(IServiceProvider services, FunctionDefinition? definition, CancellationToken cancellationToken = default) : FunctionContext
{
    public TestFunctionContext(IServiceProvider services, CancellationToken cancellationToken = default)
        : this(services, null, cancellationToken)
    {
    }

    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => "test";

    public override TraceContext TraceContext { get; } = new TestTraceContext();

    public override BindingContext BindingContext => throw new NotSupportedException("Bindings are passed to the function method directly in these tests.");

    public override RetryContext RetryContext => throw new NotSupportedException();

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override FunctionDefinition FunctionDefinition => definition ?? throw new NotSupportedException();

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException();

    public override CancellationToken CancellationToken { get; } = cancellationToken;

    private sealed class TestTraceContext : TraceContext
    {
        public override string TraceParent { get; } = $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-01";

        public override string TraceState => string.Empty;

        public override IReadOnlyDictionary<string, string> Attributes { get; } = ImmutableDictionary<string, string>.Empty;
    }
}
