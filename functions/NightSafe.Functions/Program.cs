using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NightSafe.Functions.Hosting;
using NightSafe.Integrations.DependencyInjection;

// The composition root: telemetry, the adapters (Azure SDK clients, Twilio), then the application services.
var builder = FunctionsApplication.CreateBuilder(args);
// The Azure SDK logs every request at Information: noise in a busy night's logs; its warnings and errors still show.
builder.Logging.AddFilter("Azure.Core", LogLevel.Warning);
builder.Services.AddNightSafeTelemetry(builder.Configuration);
builder.Services.AddNightSafeIntegrations(builder.Configuration);
builder.Services.AddNightSafeApplication(builder.Configuration, builder.Environment);
builder.Build().Run();
