using SimdSoftmax.Cli;

return CommandLine.Run(args);
