using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// Row softmax: scalar reference (baseline), each SIMD path, TensorPrimitives.SoftMax per row and the stable
/// TensorPrimitives composition (Max, Subtract, Exp, Sum, Divide), on rows of 10 … 10⁶ as a 40 MB batch
/// (out of cache) and a 64 KB batch (in cache; for 10⁶ a single 4 MB row). Extra columns: G elements/s and GB/s
/// at 8 bytes per element.
/// <c>dotnet run -c Release --project bench/SimdSoftmax.Benchmarks -- --filter '*SoftmaxBenchmarks*' --job short</c>
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class SoftmaxBenchmarks
{
    private float[] _x = [], _y = [];

    [Params(10, 100, 1000, 10_000, 1_000_000)]
    public int Cols { get; set; }

    [Params("40MB", "64KB")]
    public string Batch { get; set; } = "64KB";

    /// <summary>Elements in one call for a row length and batch.</summary>
    public static int Elements(int cols, string batch) =>
        batch == "40MB" ? 10 * 1024 * 1024 / cols * cols : Math.Max(cols, 16 * 1024 / cols * cols);

    [GlobalSetup]
    public void Setup()
    {
        _x = SoftmaxSweep.MakeInput(Elements(Cols, Batch));
        _y = new float[_x.Length];
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => Softmax.Rows(_x, _y, Cols, KernelPath.Scalar);

    /// <summary>Skipped (returns at once) where the CPU lacks AVX2.</summary>
    [Benchmark]
    public void Avx2()
    {
        if (KernelPaths.IsSupported(KernelPath.Avx2)) Softmax.Rows(_x, _y, Cols, KernelPath.Avx2);
    }

    /// <summary>Skipped (returns at once) where the CPU lacks AVX-512.</summary>
    [Benchmark]
    public void Avx512()
    {
        if (KernelPaths.IsSupported(KernelPath.Avx512)) Softmax.Rows(_x, _y, Cols, KernelPath.Avx512);
    }

    [Benchmark]
    public void TensorPrimitivesSoftMax() => SoftmaxSweep.TensorPrimitivesSoftMax(_x, _y, Cols);

    [Benchmark]
    public void TensorPrimitivesStable() => SoftmaxSweep.TensorPrimitivesStable(_x, _y, Cols);
}

/// <summary>Row log-softmax: scalar reference (baseline), each SIMD path and the TensorPrimitives composition.</summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class LogSoftmaxBenchmarks
{
    private float[] _x = [], _y = [];

    [Params(10, 100, 1000, 10_000, 1_000_000)]
    public int Cols { get; set; }

    [Params("40MB", "64KB")]
    public string Batch { get; set; } = "64KB";

    [GlobalSetup]
    public void Setup()
    {
        _x = SoftmaxSweep.MakeInput(SoftmaxBenchmarks.Elements(Cols, Batch));
        _y = new float[_x.Length];
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => Softmax.LogRows(_x, _y, Cols, KernelPath.Scalar);

    [Benchmark]
    public void Avx2()
    {
        if (KernelPaths.IsSupported(KernelPath.Avx2)) Softmax.LogRows(_x, _y, Cols, KernelPath.Avx2);
    }

    [Benchmark]
    public void Avx512()
    {
        if (KernelPaths.IsSupported(KernelPath.Avx512)) Softmax.LogRows(_x, _y, Cols, KernelPath.Avx512);
    }

    [Benchmark]
    public void TensorPrimitivesStable() => SoftmaxSweep.TensorPrimitivesStableLog(_x, _y, Cols);
}

/// <summary>Adds G elements/s and GB/s (8 bytes per element) columns computed from Cols, Batch and the mean time.</summary>
public class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddColumn(new ThroughputColumn(bytesPerElement: 0), new ThroughputColumn(bytesPerElement: 8));
    }

    private sealed class ThroughputColumn(int bytesPerElement) : IColumn
    {
        public string Id => $"Throughput{bytesPerElement}";
        public string ColumnName => bytesPerElement == 0 ? "G el/s" : "GB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => bytesPerElement;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => bytesPerElement == 0 ? "10⁹ elements per second" : "GB/s counting read x + write y (8 bytes per element)";
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats) return "-";
            if (benchmarkCase.Parameters["Cols"] is not int cols || benchmarkCase.Parameters["Batch"] is not string batch) return "-";
            double perSecond = SoftmaxBenchmarks.Elements(cols, batch) / (stats.Mean * 1e-9);
            return bytesPerElement == 0 ? $"{perSecond / 1e9:F2}" : $"{perSecond * bytesPerElement / 1e9:F1}";
        }
    }
}
