using NightSafe.Cli.Commands;

// nightsafe: the whole hub on one machine (up, demo) and the tools to talk to it (text, partner, sms).
return await NightSafeCommandLine.InvokeAsync(args);
