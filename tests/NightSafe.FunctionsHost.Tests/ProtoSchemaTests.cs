using System.Reflection;
using Google.Protobuf.Reflection;
using NightSafe.FunctionsHost.Rpc;

namespace NightSafe.FunctionsHost.Tests;

/// <summary>Our own FunctionRpc.proto subset must agree with the worker's generated descriptor on every field we declare.</summary>
public sealed class ProtoSchemaTests
{
    private static readonly FileDescriptor Ours = FunctionRpcReflection.Descriptor;

    private static readonly Lazy<FileDescriptor> Worker = new(() =>
    {
        var assembly = Assembly.LoadFrom(Path.Combine(Built.TestAppDirectory, "Microsoft.Azure.Functions.Worker.Grpc.dll"));
        var reflection = assembly.GetTypes().Single(t => t.Name == "FunctionRpcReflection");
        return (FileDescriptor)reflection.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
    });

    public static TheoryData<string> OurMessages()
    {
        var data = new TheoryData<string>();
        foreach (var message in Ours.MessageTypes)
        {
            data.Add(message.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OurMessages))]
    public void Every_field_has_the_workers_number_and_type(string messageName)
    {
        var ours = Ours.MessageTypes.Single(m => m.Name == messageName);
        var theirs = FindWorkerMessage(messageName);

        foreach (var field in ours.Fields.InDeclarationOrder())
        {
            var match = theirs.FindFieldByName(field.Name);
            Assert.True(match is not null, $"{messageName}.{field.Name} is not in the worker's schema");
            Assert.Equal(match.FieldNumber, field.FieldNumber);
            Assert.Equal(match.FieldType, field.FieldType);
            Assert.Equal(match.IsRepeated, field.IsRepeated);
            Assert.Equal(match.IsMap, field.IsMap);
            if (field.FieldType == FieldType.Message && !field.IsMap)
            {
                Assert.Equal(match.MessageType.Name, field.MessageType.Name);
            }

            if (field.FieldType == FieldType.Enum)
            {
                foreach (var value in field.EnumType.Values)
                {
                    Assert.Equal(match.EnumType.FindValueByName(value.Name)?.Number, value.Number);
                }
            }
        }
    }

    [Fact]
    public void The_service_and_method_match_the_path_the_worker_dials()
    {
        var ours = Assert.Single(Ours.Services);
        var theirs = Assert.Single(Worker.Value.Services);

        Assert.Equal(theirs.FullName, ours.FullName);
        Assert.Equal("AzureFunctionsRpcMessages.FunctionRpc", ours.FullName);
        Assert.Equal(theirs.Methods.Single().Name, ours.Methods.Single().Name);
        Assert.True(ours.Methods.Single().IsClientStreaming && ours.Methods.Single().IsServerStreaming);
    }

    private static MessageDescriptor FindWorkerMessage(string name)
    {
        IEnumerable<MessageDescriptor> All(IEnumerable<MessageDescriptor> messages) => messages.SelectMany(m => All(m.NestedTypes).Prepend(m));
        var files = Worker.Value.Dependencies.Prepend(Worker.Value);
        return files.SelectMany(f => All(f.MessageTypes)).FirstOrDefault(m => m.Name == name)
            ?? throw new Xunit.Sdk.XunitException($"The worker's schema has no message {name}.");
    }
}
