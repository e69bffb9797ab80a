using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>A GEMM problem: C (m×n) = op(A)·op(B), k deep; shown as m x n x k (and "tA" when A is stored transposed).</summary>
public sealed record GemmShape(int M, int N, int K, bool TransA = false, string Label = "")
{
    /// <summary>2·m·n·k.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <inheritdoc/>
    public override string ToString() => $"{M}x{N}x{K}" + (TransA ? " tA" : ""); // ≤ 20 chars: BDN truncates longer parameter values
}

/// <summary>
/// Shared body of the GEMM suites: <see cref="Gemm"/> on every path this CPU has plus Auto (one thread; the scalar
/// reference is the baseline of "vs Scalar"), and once per shape beside Auto: the dispatcher on every core, the
/// MathNet.Numerics managed provider, OpenBLAS <c>cblas_sgemm</c> and oneDNN <c>dnnl_sgemm</c> (one thread; not run
/// when the library is absent).
/// Columns add GFLOPS and the fraction of the FMA peak measured on this machine (<see cref="MachineLimits"/>).
/// </summary>
[Config(typeof(GemmConfig))]
public abstract class GemmBenchmarksBase
{
    private float[] _a = [], _b = [], _c = [];

    /// <summary>The problem.</summary>
    public abstract GemmShape Shape { get; set; }

    /// <summary>The path under test (the scalar reference, Avx2, Avx512, Auto).</summary>
    public abstract KernelPath Path { get; set; }

    /// <summary>Fills A and B with values in [-1, 1) and sets OpenBLAS to one thread.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var r = new Random(1);
        _a = new float[Shape.M * Shape.K];
        _b = new float[Shape.K * Shape.N];
        _c = new float[Shape.M * Shape.N];
        for (int i = 0; i < _a.Length; i++) _a[i] = (float)(r.NextDouble() * 2 - 1);
        for (int i = 0; i < _b.Length; i++) _b[i] = (float)(r.NextDouble() * 2 - 1);
        OpenBlas.SetThreads(1);
        OneDnn.SetThreads(1);
    }

    private void Ours(KernelPath path, int threads) => Gemm.Multiply(_a, Shape.TransA ? Shape.M : Shape.K, Shape.TransA ? Transpose.Yes : Transpose.No, _b, Shape.N, Transpose.No, _c, Shape.N, Shape.M, Shape.N, Shape.K, 1f, 0f, path, threads);

    /// <summary>Our GEMM on <see cref="Path"/>, one thread.</summary>
    [Benchmark]
    public void Multiply() => Ours(Path, 1);

    /// <summary>The dispatcher on every core (threads = Environment.ProcessorCount).</summary>
    [Benchmark, Anchor]
    public void AllCores() => Ours(KernelPath.Auto, Environment.ProcessorCount);

    /// <summary>MathNet.Numerics managed provider.</summary>
    [Benchmark, Anchor]
    public void MathNet() => MathNetGemm.Multiply(Shape.TransA, false, Shape.M, Shape.N, Shape.K, 1f, _a, _b, 0f, _c);

    /// <summary>OpenBLAS cblas_sgemm, one thread.</summary>
    [Benchmark, Anchor(NeedsOpenBlas = true)]
    public void OpenBLAS() => OpenBlas.Sgemm(Shape.TransA, false, Shape.M, Shape.N, Shape.K, 1f, _a, Shape.TransA ? Shape.M : Shape.K, _b, Shape.N, 0f, _c, Shape.N);

    /// <summary>oneDNN dnnl_sgemm (JIT), one thread.</summary>
    [Benchmark, Anchor(NeedsOneDnn = true)]
    public void OneDNN() => OneDnn.Sgemm(Shape.TransA, false, Shape.M, Shape.N, Shape.K, 1f, _a, Shape.TransA ? Shape.M : Shape.K, _b, Shape.N, 0f, _c, Shape.N);
}

/// <summary>Square GEMM 64…512.</summary>
public class GemmSquareBenchmarks : GemmBenchmarksBase
{
    /// <inheritdoc/>
    [ParamsSource(nameof(Shapes))]
    public override GemmShape Shape { get; set; } = new(64, 64, 64);

    /// <inheritdoc/>
    [ParamsSource(nameof(Paths))]
    public override KernelPath Path { get; set; }

    /// <summary>64³ … 512³.</summary>
    public static IEnumerable<GemmShape> Shapes => new[] { 64, 128, 256, 512 }.Select(s => new GemmShape(s, s, s));

    /// <summary>Every available path and Auto.</summary>
    public static IEnumerable<KernelPath> Paths => BenchPaths.WithAuto;
}

/// <summary>
/// Square GEMM 1024 and 2048. No scalar row: the reference triple loop would take ~1 s (1024³) to ~15 s (2048³) per
/// call; compare against the OpenBLAS row instead.
/// </summary>
public class GemmLargeSquareBenchmarks : GemmBenchmarksBase
{
    /// <inheritdoc/>
    [ParamsSource(nameof(Shapes))]
    public override GemmShape Shape { get; set; } = new(1024, 1024, 1024);

    /// <inheritdoc/>
    [ParamsSource(nameof(Paths))]
    public override KernelPath Path { get; set; }

    /// <summary>1024³, 2048³.</summary>
    public static IEnumerable<GemmShape> Shapes => new[] { 1024, 2048 }.Select(s => new GemmShape(s, s, s));

    /// <summary>The SIMD paths and Auto.</summary>
    public static IEnumerable<KernelPath> Paths => BenchPaths.WithAuto.Where(p => p != KernelPath.Scalar);
}

/// <summary>The classifier's skinny products (n = C = 10): CIFAR-sized X·W and Xᵀ·dS, MNIST minibatch of 100.</summary>
public class GemmSkinnyBenchmarks : GemmBenchmarksBase
{
    /// <inheritdoc/>
    [ParamsSource(nameof(Shapes))]
    public override GemmShape Shape { get; set; } = new(100, 10, 784);

    /// <inheritdoc/>
    [ParamsSource(nameof(Paths))]
    public override KernelPath Path { get; set; }

    /// <summary>X·W 5000×3073×10, Xᵀ·dS 3073×5000×10 (transA), MNIST 100×784×10 and 784×100×10 (transA).</summary>
    public static IEnumerable<GemmShape> Shapes =>
    [
        new(5000, 10, 3073, false, "X·W"), new(3073, 10, 5000, true, "Xt·dS"),
        new(100, 10, 784, false, "MNIST X·W"), new(784, 10, 100, true, "MNIST Xt·dS"),
    ];

    /// <summary>Every available path and Auto.</summary>
    public static IEnumerable<KernelPath> Paths => BenchPaths.WithAuto;
}

/// <summary>The path-suite configuration plus GFLOPS and %-of-peak columns.</summary>
public sealed class GemmConfig : ManualConfig
{
    /// <summary>Adds the columns.</summary>
    public GemmConfig()
    {
        Add(new PathSuiteConfig());
        AddColumn(new GflopsColumn(false), new GflopsColumn(true));
    }
}

/// <summary>GFLOPS of a GEMM benchmark (2·m·n·k / mean time), or its fraction of the FMA peak measured here.</summary>
public sealed class GflopsColumn(bool percentOfPeak) : IColumn
{
    private static readonly Lazy<(double P256, double P512)> s_peaks =
        new(() => (MachineLimits.FmaPeakGflops256(), MachineLimits.FmaPeakGflops512()));

    /// <inheritdoc/>
    public string Id => percentOfPeak ? "GemmPeakPercent" : "GemmGflops";

    /// <inheritdoc/>
    public string ColumnName => percentOfPeak ? "%FmaPeak" : "GFLOPS";

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => percentOfPeak ? 1 : 0;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => percentOfPeak
        ? "GFLOPS / measured single-core FMA peak of the vector width used (scalar: 1/8 of 256-bit; Avx2 and OpenBLAS-Haswell: 256-bit; otherwise 512-bit; all-core runs against one core's peak)"
        : "2·m·n·k / mean time, in 10^9 flop/s";

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Parameters["Shape"] is not GemmShape shape) return "?";
        BenchmarkReport? report = summary[benchmarkCase];
        double? ns = report?.ResultStatistics?.Mean;
        if (ns is null || ns <= 0) return "-";
        double gflops = shape.Flops / ns.Value;
        if (!percentOfPeak) return gflops.ToString("F1", CultureInfo.InvariantCulture);
        string method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        KernelPath? path = PathSuiteConfig.PathOf(benchmarkCase);
        bool is256 = method == "OpenBLAS" || (method == "Multiply" && path == KernelPath.Avx2);
        bool isScalar = method == "MathNet" || (method == "Multiply" && path == KernelPath.Scalar);
        double peak = isScalar ? s_peaks.Value.P256 / 8 : is256 ? s_peaks.Value.P256 : s_peaks.Value.P512;
        return peak <= 0 ? "-" : (100 * gflops / peak).ToString("F0", CultureInfo.InvariantCulture) + "%";
    }
}
