using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process: no generated project to build under the repository's build policy, and quick on a small shared machine.
// Pass BenchmarkDotNet arguments through, e.g. --filter '*OfficerTextParser*'.
var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithId("InProcess"))
    .AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(NightSafe.Benchmarks.BenchmarkWorld).Assembly).Run(args, config);
