using BenchmarkDotNet.Attributes;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// Fused softmax cross-entropy on logits (loss + gradient in one pass per row) on every path; the scalar reference is
/// the baseline of the "vs Scalar" column. Rows of 10 (the classifier's, eight rows per iteration) and of 1000.
/// </summary>
[Config(typeof(PathSuiteConfig))]
public class CrossEntropyBenchmarks
{
    private float[] _logits = [], _grad = [];
    private int[] _labels = [];

    /// <summary>N×C.</summary>
    [Params("5000x10", "60000x10", "4096x1000")]
    public string Shape { get; set; } = "5000x10";

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    public static IEnumerable<KernelPath> Paths => BenchPaths.WithAuto;

    private int _c;

    [GlobalSetup]
    public void Setup()
    {
        int[] p = Shape.Split('x').Select(int.Parse).ToArray();
        int n = p[0];
        _c = p[1];
        var rng = new Random(1);
        _logits = new float[n * _c];
        for (int i = 0; i < _logits.Length; i++) _logits[i] = (float)(rng.NextDouble() * 20 - 10);
        _grad = new float[_logits.Length];
        _labels = new int[n];
        for (int i = 0; i < n; i++) _labels[i] = rng.Next(_c);
    }

    [Benchmark]
    public float LossAndGradient() => SoftmaxCrossEntropy.LossAndGradient(_logits, _labels, _grad, _c, Path);

    [Benchmark]
    public float Loss() => SoftmaxCrossEntropy.Loss(_logits, _labels, _c, Path);
}
