using BenchmarkDotNet.Running;
using SimdSoftmax.Benchmarks;

// dotnet run -c Release --project bench/SimdSoftmax.Benchmarks -- --filter '*Softmax*'
// dotnet run -c Release --project bench/SimdSoftmax.Benchmarks -- softmax-sweep [threshold]   (Stopwatch table, ~1 min)
if (args.Length > 0 && args[0] == "softmax-sweep")
{
    SoftmaxSweep.Run(args.Skip(1).ToArray());
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
