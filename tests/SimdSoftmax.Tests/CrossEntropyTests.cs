namespace SimdSoftmax.Tests;

/// <summary>Cross-entropy on logits, every path, against the double oracle.</summary>
public class CrossEntropyTests
{
    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Matches_the_double_reference_over_shapes(KernelPath path)
    {
        Paths.Require(path);
        foreach (int c in new[] { 1, 2, 3, 7, 8, 9, 10, 15, 16, 17, 31, 32, 33, 64, 70, 100, 1000 })
            foreach (int n in new[] { 1, 2, 5, 8, 16, 17, 33 })
            {
                float[] logits = Data.Uniform(n * c, c * 100 + n, -20f, 20f);
                int[] labels = Data.Labels(n, c, n + c);
                labels[0] = c - 1;
                if (n > 1) labels[1] = 0;
                var (loss, grad) = DoubleReference.CrossEntropy(logits, labels, c);
                var g = new float[logits.Length];
                float l = SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, path);
                Assert.Equal(loss, l, Math.Max(1e-5 * Math.Abs(loss), 1e-6));
                Assert.Equal(l, SoftmaxCrossEntropy.Loss(logits, labels, c, path), 6);
                Compare.Close(grad, g, rtol: 2e-5, atol: 1e-9, $"grad n={n} c={c}");

                float[] inPlace = (float[])logits.Clone();
                float l2 = SoftmaxCrossEntropy.LossAndGradient(inPlace, labels, inPlace, c, path);
                Assert.Equal(l, l2);
                Assert.Equal(g, inPlace);
            }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Extreme_logits(KernelPath path)
    {
        Paths.Require(path);
        const int n = 6, c = 10;
        float[] logits = Data.Uniform(n * c, 9, -1e4f, 1e4f);
        int[] labels = Data.Labels(n, c, 10);
        var (loss, grad) = DoubleReference.CrossEntropy(logits, labels, c);
        var g = new float[logits.Length];
        float l = SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, path);
        Assert.True(float.IsFinite(l));
        Assert.Equal(loss, l, 1e-5 * Math.Abs(loss));
        Compare.Close(grad, g, rtol: 2e-5, atol: 1e-9, "grad");
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Special_values(KernelPath path)
    {
        Paths.Require(path);
        Assert.Equal(float.PositiveInfinity, SoftmaxCrossEntropy.Loss([float.NegativeInfinity, 0f, 1f], [0], 3, path));
        Assert.Equal(0.0, SoftmaxCrossEntropy.Loss([float.NegativeInfinity, 0f, float.NegativeInfinity], [1], 3, path), 7);
        Assert.True(float.IsNaN(SoftmaxCrossEntropy.Loss([float.NaN, 0f, 1f], [1], 3, path)));
        Assert.True(float.IsNaN(SoftmaxCrossEntropy.Loss([float.PositiveInfinity, 0f, 1f], [1], 3, path)));
        Assert.Equal(0f, SoftmaxCrossEntropy.Loss([], [], 5, path));
        Assert.Equal(0f, SoftmaxCrossEntropy.LossAndGradient([], [], [], 0, path));
    }
}
