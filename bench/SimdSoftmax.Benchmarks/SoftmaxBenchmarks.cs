using BenchmarkDotNet.Attributes;

namespace SimdSoftmax.Benchmarks;

/// <summary>Row softmax on every available path (scalar reference is the baseline).</summary>
[MemoryDiagnoser]
public class SoftmaxBenchmarks
{
    private float[] _x = [], _y = [];

    [Params(10, 1000)]
    public int Cols { get; set; }

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    public static IEnumerable<KernelPath> Paths => KernelPaths.Available;

    [GlobalSetup]
    public void Setup()
    {
        int rows = 16 * 1024 / Cols + 1;
        var rng = new Random(1);
        _x = new float[rows * Cols];
        for (int i = 0; i < _x.Length; i++) _x[i] = (float)(rng.NextDouble() * 20 - 10);
        _y = new float[_x.Length];
    }

    [Benchmark]
    public void Rows() => Softmax.Rows(_x, _y, Cols, Path);
}
