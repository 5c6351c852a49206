using Microsoft.Extensions.Hosting;
using PartnerConsumer;

// A partner agency's consumer of NightSafe cases: receive, validate, check it is ours, report the outcome.
using var host = ConsumerApp.Build(args);
await host.RunAsync();
