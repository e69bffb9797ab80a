using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// Linear layer + softmax cross-entropy with loss, dW, db and dX at issue 17's shapes, on the dispatched path (Auto):
/// <c>Blocked</c> is <c>LinearCrossEntropy.LossAndGradient</c> (row blocks, no N×C logits); <c>Composed</c> is the same work
/// through the public pieces with the whole N×C logits (bias rows, GEMM, fused cross-entropy in place, Xᵀ·dS, dS·Wᵀ, Σ
/// rows), at 1 and 2 threads. Extra columns: GFLOPS counting 6·N·D·C, and that over the 512-bit FMA peak measured for
/// the row's thread count in this process. The workspace of each form is in the setup (Blocked: R·C floats).
/// </summary>
/// <remarks>
/// One call takes 0.1 s (4096×512×1000) to tens of seconds (1024×2048×128000, which needs ~3 GB: W and dW 1 GiB each,
/// the composed logits 0.5 GiB), so the job is a monitoring run of a few single invocations. Quick look:
/// <c>--filter '*LinearCrossEntropyBenchmarks*'</c>; the interleaved Stopwatch table is <c>scripts/linear-ce-bench.cs</c>,
/// the PyTorch anchor <c>scripts/torch-linear-ce.py</c>.
/// </remarks>
[Config(typeof(Config))]
public class LinearCrossEntropyBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddDiagnoser(MemoryDiagnoser.Default);
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithWarmupCount(1).WithIterationCount(3).WithLaunchCount(1)
                .WithInvocationCount(1).WithUnrollFactor(1).WithId("monitoring"));
            WithBuildTimeout(TimeSpan.FromMinutes(10));
            AddColumn(new GflopsColumn(ofPeak: false), new GflopsColumn(ofPeak: true));
        }
    }

    public enum Form { Composed, Blocked }

    private float[] _x = [], _w = [], _b = [], _dW = [], _db = [], _dX = [], _ws = [], _s = [];
    private int[] _y = [];
    private int _n, _d, _c;

    /// <summary>N×D×C: issue 17's output layers.</summary>
    [Params("4096x512x1000", "2048x1024x32000", "1024x2048x128000")]
    public string Shape { get; set; } = "4096x512x1000";

    [Params(Form.Composed, Form.Blocked)]
    public Form Variant { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

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
        for (int i = 0; i < _w.Length; i++) _w[i] = (float)((rng.NextDouble() * 2 - 1) * 0.05);
        _b = new float[_c];
        for (int i = 0; i < _c; i++) _b[i] = (float)(rng.NextDouble() - 0.5);
        _y = new int[_n];
        for (int i = 0; i < _n; i++) _y[i] = rng.Next(_c);
        _dW = new float[_w.Length];
        _db = new float[_c];
        _dX = new float[_x.Length];
        if (Variant == Form.Blocked) _ws = new float[LinearCrossEntropy.WorkspaceLength(_n, _d, _c)];
        else _s = new float[_n * _c];
    }

    [Benchmark]
    public float LossAndGradients()
    {
        if (Variant == Form.Blocked)
            return LinearCrossEntropy.LossAndGradient(_x, _w, WeightLayout.InputsByClasses, _b, _y, _dW, _db, _dX, _ws,
                _n, _d, _c, default, threads: Threads);
        int n = _n, d = _d, c = _c;
        for (int i = 0; i < n; i++) _b.CopyTo(_s.AsSpan(i * c, c));
        Gemm.Multiply(_x, d, Transpose.No, _w, c, Transpose.No, _s, c, n, c, d, beta: 1f, threads: Threads);
        float loss = SoftmaxCrossEntropy.LossAndGradient(_s, _y, _s, cols: c);
        Gemm.Multiply(_x, d, Transpose.Yes, _s, c, Transpose.No, _dW, c, d, c, n, threads: Threads);
        Gemm.Multiply(_s, c, Transpose.No, _w, c, Transpose.Yes, _dX, d, n, d, c, threads: Threads);
        _db.AsSpan().Clear();
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = _s.AsSpan(i * c, c);
            for (int j = 0; j < c; j++) _db[j] += row[j];
        }
        return loss;
    }

    /// <summary>GFLOPS at 6·N·D·C per call, or that over the 512-bit FMA peak measured at the row's thread count.</summary>
    private sealed class GflopsColumn(bool ofPeak) : IColumn
    {
        private static readonly Dictionary<int, double> s_peaks = [];
        public string Id => ofPeak ? "LinearCeOfPeak" : "LinearCeGflops";
        public string ColumnName => ofPeak ? "of FMA peak" : "GFLOPS";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => ofPeak ? 2 : 1;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => ofPeak
            ? "GFLOPS / the 512-bit FMA peak measured with the row's thread count (MachineLimits.FmaPeakGflops512)"
            : "6·N·D·C / mean, in 10⁹ flops per second";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            double? ns = summary[benchmarkCase]?.ResultStatistics?.Mean;
            string? shape = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(Shape))?.Value as string;
            object? threads = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(Threads))?.Value;
            if (ns is null || shape is null || threads is not int t) return "—";
            var (n, d, c) = Parse(shape);
            double gflops = 6.0 * n * d * c / ns.Value;
            if (!ofPeak) return gflops.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
            if (!s_peaks.TryGetValue(t, out double peak)) s_peaks[t] = peak = MachineLimits.FmaPeakGflops512(t);
            return (gflops / peak).ToString("P0", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
