using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// The classifier's loss + gradient, single thread: scalar reference (the baseline of "vs Scalar"), composed and fused
/// per path, and the OpenBLAS composition (cblas_sgemm + our fused cross-entropy + cblas_sgemm; skipped without
/// OpenBLAS). Extra columns: effective GFLOPS (4·N·D·C) and the fraction of the roofline
/// max(read X once at the measured bandwidth, 4·N·D·C at the measured FMA peak).
/// </summary>
/// <remarks>Quick run: <c>--filter '*ClassifierBenchmarks*' --job short</c>; the Stopwatch table is <c>classifier-sweep</c>.</remarks>
[Config(typeof(Config))]
public class ClassifierBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            Add(new PathSuiteConfig());
            AddColumn(new GflopsColumn(roofline: false), new GflopsColumn(roofline: true));
        }
    }

    private float[] _w = [], _x = [], _dW = [], _ws = [];
    private int[] _y = [];
    private int _n, _d, _c;

    /// <summary>N×D×C: CIFAR-10 as in the seeds, an MNIST minibatch, full-batch MNIST, many classes.</summary>
    [Params("5000x3073x10", "100x784x10", "60000x784x10", "4096x512x1000")]
    public string Shape { get; set; } = "100x784x10";

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    [Params(ClassifierForm.Composed, ClassifierForm.Fused)]
    public ClassifierForm Form { get; set; }

    public static IEnumerable<KernelPath> Paths => BenchPaths.WithAuto;

    internal static (int N, int D, int C) Parse(string shape)
    {
        int[] p = shape.Split('x').Select(int.Parse).ToArray();
        return (p[0], p[1], p[2]);
    }

    [GlobalSetup]
    public void Setup()
    {
        (_n, _d, _c) = Parse(Shape);
        var rng = new Random(1);
        _x = new float[_n * _d];
        for (int i = 0; i < _x.Length; i++) _x[i] = (float)(rng.NextDouble() * 2 - 1);
        _w = new float[_d * _c];
        for (int i = 0; i < _w.Length; i++) _w[i] = (float)(rng.NextDouble() * 0.02 - 0.01);
        _y = new int[_n];
        for (int i = 0; i < _n; i++) _y[i] = rng.Next(_c);
        _dW = new float[_d * _c];
        _ws = new float[SoftmaxLoss.WorkspaceLength(_n, _d, _c)];
        if (OpenBlas.IsAvailable) OpenBlas.SetThreads(1);
    }

    [Benchmark]
    public float LossAndGradient() => SoftmaxLoss.LossAndGradient(_x, _w, _y, _dW, _ws, _n, _d, _c, new ClassifierOptions { Regularization = 1e-3f, Form = Form }, Path, 1);

    /// <summary>The composition with OpenBLAS GEMMs (measured once per shape and form, beside Auto).</summary>
    [Benchmark, Anchor(NeedsOpenBlas = true)]
    public float OpenBlasComposition() => OpenBlas.ClassifierLossAndGradient(_w, _x, _y, _n, _d, _c, 1e-3f, _dW, _ws);

    /// <summary>GFLOPS at 4·N·D·C per call, or the fraction of the roofline.</summary>
    private sealed class GflopsColumn(bool roofline) : IColumn
    {
        private static readonly Lazy<(double Peak, double Read)> s_limits = new(() =>
            (Math.Max(MachineLimits.FmaPeakGflops512(), MachineLimits.FmaPeakGflops256()), MachineLimits.ReadBandwidthGBs()));
        public string Id => roofline ? "ClassifierRoofline" : "ClassifierGflops";
        public string ColumnName => roofline ? "of roofline" : "GFLOPS";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => roofline ? 2 : 1;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => roofline
            ? "roofline time / mean; roofline = max(4·N·D bytes at the measured read bandwidth, 4·N·D·C flops at the measured FMA peak)"
            : "4·N·D·C / mean, in 10⁹ flops per second";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            double? ns = summary[benchmarkCase]?.ResultStatistics?.Mean;
            string? shape = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(Shape))?.Value as string;
            if (ns is null || shape is null) return "—";
            var (n, d, c) = Parse(shape);
            double flops = 4.0 * n * d * c;
            if (!roofline) return (flops / ns.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
            var (peak, read) = s_limits.Value;
            double rooflineNs = Math.Max(4.0 * n * d / read, flops / peak); // GB/s and GFLOPS are bytes and flops per ns
            return (rooflineNs / ns.Value).ToString("P0", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
