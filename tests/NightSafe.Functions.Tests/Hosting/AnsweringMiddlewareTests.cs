using System.Collections.Immutable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Functions.Hosting;
using NightSafe.Functions.Tests.Doubles;
using NightSafe.Integrations.Storage;

namespace NightSafe.Functions.Tests.Hosting;

public sealed class AnsweringMiddlewareTests
{
    [Theory]
    [InlineData("httpTrigger", true)]
    [InlineData("HttpTrigger", true)]
    [InlineData("queueTrigger", false)]
    [InlineData("timerTrigger", false)]
    public async Task Only_an_http_triggered_invocation_runs_as_answering_someone(string trigger, bool answering)
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var context = new TestFunctionContext(services, new Definition(trigger));
        bool? seen = null;

        // Each invocation in a flow of its own, as the worker runs them: the mark never reaches the next one.
        await Task.Run(() => new AnsweringMiddleware().Invoke(context, _ =>
        {
            seen = StorageLanes.IsAnswering;
            return Task.CompletedTask;
        }));

        Assert.Equal(answering, seen);
        Assert.False(StorageLanes.IsAnswering);
    }

    private sealed class Definition(string trigger) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];

        public override string PathToAssembly => typeof(AnsweringMiddleware).Assembly.Location;

        public override string EntryPoint => "Test.Run";

        public override string Id => "test";

        public override string Name => "Test";

        public override IImmutableDictionary<string, BindingMetadata> InputBindings { get; } =
            ImmutableDictionary<string, BindingMetadata>.Empty.Add("trigger", new Binding(trigger));

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings { get; } = ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class Binding(string type) : BindingMetadata
    {
        public override string Name => "trigger";

        public override string Type => type;

        public override BindingDirection Direction => BindingDirection.In;
    }
}
