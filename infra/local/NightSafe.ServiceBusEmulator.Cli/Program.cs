using NightSafe.ServiceBusEmulator.Cli;

return args.Length > 0 && args[0] == "bench"
    ? await BenchCommand.RunAsync(args[1..])
    : await ServeCommand.RunAsync(args);
