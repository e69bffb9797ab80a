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
/// <c>SIMDSOFTMAX_BENCH_SHORT=1 dotnet run -c Release --project bench/SimdSoftmax.Benchmarks -- --filter '*SoftmaxBenchmarks*'</c>
/// </summary>
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

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    public static IEnumerable<KernelPath> Paths => BenchPaths.WithAuto;

    [Benchmark]
    public void Rows() => Softmax.Rows(_x, _y, Cols, Path);

    /// <summary>TensorPrimitives.SoftMax per row (unstable: NaN once a row's exp overflows; here the inputs are in [-10, 10]).</summary>
    [Benchmark, Anchor]
    public void TensorPrimitivesSoftMax() => SoftmaxSweep.TensorPrimitivesSoftMax(_x, _y, Cols);

    /// <summary>The stable composition a .NET user would write: Max, Subtract, Exp, Sum, Divide.</summary>
    [Benchmark, Anchor]
    public void TensorPrimitivesStable() => SoftmaxSweep.TensorPrimitivesStable(_x, _y, Cols);
}

/// <summary>Row log-softmax: scalar reference (baseline), each SIMD path and the TensorPrimitives composition.</summary>
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

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    public static IEnumerable<KernelPath> Paths => BenchPaths.WithAuto;

    [Benchmark]
    public void LogRows() => Softmax.LogRows(_x, _y, Cols, Path);

    /// <summary>The TensorPrimitives composition: x − max − log Σ exp(x − max).</summary>
    [Benchmark, Anchor]
    public void TensorPrimitivesStable() => SoftmaxSweep.TensorPrimitivesStableLog(_x, _y, Cols);
}

/// <summary>Adds G elements/s and GB/s (8 bytes per element) columns computed from Cols, Batch and the mean time.</summary>
public class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        Add(new PathSuiteConfig());
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
