using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/SimdSoftmax.Benchmarks -- --filter '*Softmax*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
