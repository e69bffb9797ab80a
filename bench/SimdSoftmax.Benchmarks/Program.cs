using BenchmarkDotNet.Running;
using SimdSoftmax.Benchmarks;

// BenchmarkDotNet suites:   dotnet run -c Release --project bench/SimdSoftmax.Benchmarks -- --filter '*Gemm*'
// Quick Stopwatch sweeps (about a minute each, one process, side by side):
//   gemm-sweep [quick]                  GFLOPS of every path and the anchors, % of the measured FMA peak
//   gemm-tiles                          microkernel tile shapes, kernel-only GFLOPS
//   softmax-sweep [threshold|ratio|short|stream]  softmax / log-softmax throughput against TensorPrimitives and copy bandwidth;
//                                       threshold: short-row vs per-row kernel by row length; ratio: A/B interleaved target ratios;
//                                       short [cols] [lengths]: short rows, softmax / log-softmax / cross-entropy per path;
//                                       stream [lengths]: 40 MB batches as % of copy bandwidth, interleaved medians
//   classifier-sweep [quick] [NxDxC …]  classifier loss+gradient: scalar, composed, fused, OpenBLAS composition
//   ce-options-sweep [ce|dx] [rounds]   cost of the cross-entropy options and of the classifier's dX, interleaved A/B ratios
var sweeps = new Dictionary<string, Action<string[]>>(StringComparer.Ordinal)
{
    ["gemm-sweep"] = GemmSweep.Run,
    ["gemm-tiles"] = GemmTileSweep.Run,
    ["softmax-sweep"] = SoftmaxSweep.Run,
    ["classifier-sweep"] = ClassifierSweep.Run,
    ["ce-options-sweep"] = CrossEntropyOptionsSweep.Run,
};
if (args.Length > 0 && sweeps.TryGetValue(args[0], out Action<string[]>? sweep))
{
    sweep(args[1..]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
