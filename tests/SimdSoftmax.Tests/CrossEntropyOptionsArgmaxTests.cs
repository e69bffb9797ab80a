namespace SimdSoftmax.Tests;

/// <summary>
/// The argmax and lse outputs on rows with NaN, +∞ and all −∞ entries, on every SIMD path and through every short-row
/// option kernel (Avx512 registers, the options tiles, the long rows), against the scalar reference: torch.argmax's
/// rule (the first NaN, else the first maximum) must survive the kernels' vector scans.
/// </summary>
public class CrossEntropyOptionsArgmaxTests
{
    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Argmax_and_lse_of_rows_with_NaN_and_infinities_match_the_reference(KernelPath path)
    {
        Paths.Require(path);
        foreach (int c in new[] { 1, 3, 8, 10, 16, 17, 31, 40, 1000 })
        {
            const int n = 37;
            float[] logits = Data.Uniform(n * c, 7 * c, -5f, 5f);
            int[] labels = Data.Labels(n, c, 11 * c);
            void Set(int row, int col, float v) { if (col < c) logits[row * c + col] = v; }
            Set(3, c / 2, float.NaN);
            Set(5, c - 1, float.PositiveInfinity);
            Set(5, 0, float.PositiveInfinity);
            for (int j = 0; j < c; j++) logits[7 * c + j] = float.NegativeInfinity;
            Set(9, 0, float.PositiveInfinity);
            Set(9, c - 1, float.NaN);
            Set(20, 0, float.NaN);
            Set(20, 1, float.PositiveInfinity);
            Set(33, c - 1, float.PositiveInfinity);
            for (int i = 0; i < n; i += 6) labels[i] = CrossEntropyOptions.PyTorchIgnoreIndex;
            bool[] odd = new bool[n];
            foreach (int i in new[] { 3, 5, 7, 9, 20, 33 }) odd[i] = true;
            foreach (var (o, weighted) in new[]
            {
                (new CrossEntropyOptions { IgnoreIndex = CrossEntropyOptions.PyTorchIgnoreIndex }, false),
                (new CrossEntropyOptions { IgnoreIndex = CrossEntropyOptions.PyTorchIgnoreIndex, LabelSmoothing = 0.1f }, true),
                (new CrossEntropyOptions { IgnoreIndex = CrossEntropyOptions.PyTorchIgnoreIndex, ZLoss = 1e-3f }, false),
            })
            {
                float[] weights = weighted ? Data.Uniform(c, 5, 0.5f, 1.5f) : [];
                (int[] Argmax, float[] Lse) Run(KernelPath p)
                {
                    int[] argmax = new int[n];
                    float[] lse = new float[n], grad = new float[n * c];
                    SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, c, o with { ClassWeights = weights },
                        new CrossEntropyRowOutputs { Argmax = argmax, LogSumExp = lse }, p);
                    return (argmax, lse);
                }
                var expected = Run(KernelPath.Scalar);
                var actual = Run(path);
                Assert.Equal(expected.Argmax, actual.Argmax);
                for (int i = 0; i < n; i++)
                    if (!odd[i]) Golden.Loss(expected.Lse[i], actual.Lse[i], 1e-6, $"{path} c={c} {o} lse {i}", atol: 1e-6);
            }
        }
    }

    /// <summary>
    /// The long-row kernel finds the argmax from the running max it keeps per block of its max pass: the first of two
    /// equal maxima, planted in every part of a row (first and later blocks and their edges, the last vector, the
    /// tail), must come out on every path, with and without the gradient.
    /// </summary>
    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Argmax_is_the_first_of_tied_maxima_anywhere_in_a_long_row(KernelPath path)
    {
        Paths.Require(path);
        foreach (int c in new[] { 65, 100, 1000, 1016, 4097 })
        {
            int[] positions = new[] { 0, 1, 15, 16, 31, 32, 63, 64, 127, 128, 129, 255, 256, 511, 512, c / 2, c - 17, c - 16, c - 9, c - 8, c - 2, c - 1 }
                .Where(p => p >= 0 && p < c).Distinct().ToArray();
            int n = positions.Length;
            float[] logits = Data.Uniform(n * c, 3 * c, -5f, 5f);
            int[] labels = Data.Labels(n, c, 5 * c);
            for (int i = 0; i < n; i++)
            {
                int p = positions[i];
                logits[i * c + p] = 6f;
                int later = p + 1 + i * 37 % Math.Max(1, c - p - 1);
                if (later < c) logits[i * c + later] = 6f;
            }
            var o = new CrossEntropyOptions { LabelSmoothing = 0.1f };
            int[] expected = new int[n], withGradient = new int[n], lossOnly = new int[n];
            float[] grad = new float[n * c];
            SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, c, o, new CrossEntropyRowOutputs { Argmax = expected }, KernelPath.Scalar);
            SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, c, o, new CrossEntropyRowOutputs { Argmax = withGradient }, path);
            SoftmaxCrossEntropy.Loss(logits, labels, c, o, new CrossEntropyRowOutputs { Argmax = lossOnly }, path);
            Assert.Equal(positions, expected);
            Assert.Equal(expected, withGradient);
            Assert.Equal(expected, lossOnly);
        }
    }

    /// <summary>The label check runs eight labels at a time: a bad label deep in a long batch is still named, ignored ones pass.</summary>
    [Theory]
    [InlineData(13, 10)]
    [InlineData(13, -1)]
    [InlineData(0, 10)]
    [InlineData(23, -7)]
    public void A_bad_label_anywhere_is_named_and_ignored_labels_pass(int at, int value)
    {
        const int n = 24, c = 10;
        float[] logits = new float[n * c], grad = new float[n * c];
        int[] labels = Data.Labels(n, c, 3);
        labels[5] = CrossEntropyOptions.PyTorchIgnoreIndex;
        labels[17] = CrossEntropyOptions.PyTorchIgnoreIndex;
        var o = new CrossEntropyOptions { IgnoreIndex = CrossEntropyOptions.PyTorchIgnoreIndex };
        SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, c, o);
        labels[at] = value;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, c, o));
        Assert.Contains($"labels[{at}] = {value}", e.Message);
    }
}
