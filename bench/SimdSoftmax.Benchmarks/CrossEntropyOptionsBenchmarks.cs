using BenchmarkDotNet.Attributes;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// Cross-entropy with options against the plain call on the same logits, every path: what weights + label smoothing +
/// ignored rows (every 10th) cost, and what the per-row lse and argmax outputs cost. Rows of 10 and of 1000.
/// </summary>
[Config(typeof(PathSuiteConfig))]
public class CrossEntropyOptionsBenchmarks
{
    private float[] _logits = [], _grad = [], _weights = [], _lse = [];
    private int[] _labels = [], _labelsIgnored = [], _argmax = [];
    private int _c;

    private static readonly CrossEntropyOptions s_smoothIgnore = new()
    {
        IgnoreIndex = CrossEntropyOptions.PyTorchIgnoreIndex,
        LabelSmoothing = 0.1f,
    };

    /// <summary>N×C.</summary>
    [Params("60000x10", "4096x1000")]
    public string Shape { get; set; } = "60000x10";

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    public static IEnumerable<KernelPath> Paths => BenchPaths.WithAuto;

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
        _labelsIgnored = (int[])_labels.Clone();
        for (int i = 0; i < n; i += 10) _labelsIgnored[i] = CrossEntropyOptions.PyTorchIgnoreIndex;
        _weights = new float[_c];
        for (int j = 0; j < _c; j++) _weights[j] = (float)(0.5 + rng.NextDouble());
        _lse = new float[n];
        _argmax = new int[n];
    }

    [Benchmark]
    public float Plain() => SoftmaxCrossEntropy.LossAndGradient(_logits, _labels, _grad, _c, Path);

    [Benchmark]
    public float WeightsSmoothingIgnore() =>
        SoftmaxCrossEntropy.LossAndGradient(_logits, _labelsIgnored, _grad, _c, s_smoothIgnore with { ClassWeights = _weights }, default, Path);

    [Benchmark]
    public float LseAndArgmax() =>
        SoftmaxCrossEntropy.LossAndGradient(_logits, _labels, _grad, _c, default(CrossEntropyOptions),
            new CrossEntropyRowOutputs { LogSumExp = _lse, Argmax = _argmax }, Path);
}
