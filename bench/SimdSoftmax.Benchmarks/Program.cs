using BenchmarkDotNet.Running;
using SimdSoftmax.Benchmarks;

// dotnet run -c Release --project bench/SimdSoftmax.Benchmarks -- --filter '*Softmax*'
// dotnet run -c Release --project bench/SimdSoftmax.Benchmarks -- gemm-sweep [quick]   (Stopwatch GFLOPS table, ~1 min)
if (args.Length > 0 && args[0] == "gemm-sweep")
{
    GemmSweep.Run(args.Skip(1).ToArray());
    return;
}
// dotnet run -c Release --project bench/SimdSoftmax.Benchmarks -- classifier-sweep [quick] [NxDxC ...]   (Stopwatch table)
if (args.Length > 0 && args[0] == "classifier-sweep")
{
    ClassifierSweep.Run(args.Skip(1).ToArray());
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
