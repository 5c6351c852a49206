using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using NightSafe.Functions.Hosting;
using NightSafe.Integrations.DependencyInjection;

// The composition root: telemetry, the adapters (Azure SDK clients, Twilio), then the application services.
var builder = FunctionsApplication.CreateBuilder(args);
// One line per referral step; the Azure SDK's, Polly's and HttpClient's own lines only when they warn.
builder.Logging.AddNightSafeLogFilters();
builder.Services.AddNightSafeTelemetry(builder.Configuration);
builder.Services.AddNightSafeIntegrations(builder.Configuration);
builder.Services.AddNightSafeApplication(builder.Configuration, builder.Environment);
// Requests answering someone go ahead of background work's at the storage account.
builder.UseMiddleware<AnsweringMiddleware>();
builder.Build().Run();
