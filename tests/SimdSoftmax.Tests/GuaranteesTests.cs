namespace SimdSoftmax.Tests;

/// <summary>
/// Regression tests for the statements of docs/guarantees.md that the property-based differential run found wrong or
/// missing (issue 15): special values that must be the same on every path and form.
/// </summary>
public class GuaranteesTests
{
    public static TheoryData<KernelPath, ClassifierForm, bool> ClassifierCalls()
    {
        var data = new TheoryData<KernelPath, ClassifierForm, bool>();
        foreach (bool bias in new[] { false, true })
        {
            data.Add(KernelPath.Scalar, ClassifierForm.Auto, bias);
            foreach (KernelPath path in new[] { KernelPath.Avx2, KernelPath.Avx512 })
                foreach (ClassifierForm form in new[] { ClassifierForm.Auto, ClassifierForm.Composed, ClassifierForm.Fused })
                    data.Add(path, form, bias);
        }
        return data;
    }

    private static (float Loss, float[] DW, float[] Db) Classifier(KernelPath path, ClassifierForm form, bool bias,
        float[] w, float[] x, int[] y, int n, int d, int c, float reg, int threads = 1)
    {
        var dW = new float[d * c];
        var db = new float[c];
        var ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c, form)];
        float loss = bias
            ? SoftmaxLoss.LossAndGradient(x, w, new float[c], y, dW, db, ws, n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, path, threads)
            : SoftmaxLoss.LossAndGradient(x, w, y, dW, ws, n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, path, threads);
        return (loss, dW, db);
    }

    /// <summary>
    /// Finding 1: dW = Xᵀ·dS + reg·W in IEEE arithmetic, so reg = 0 with W = −∞ gives 0·(−∞) = NaN in dW (and
    /// ½·0·ΣW² = NaN in the loss) on every path and form. The composed form used to give 0 (its GEMM never read W).
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(ClassifierCalls))]
    public void RegZeroTimesInfiniteWeightIsNaNOnEveryPathAndForm(KernelPath path, ClassifierForm form, bool bias)
    {
        Paths.Require(path);
        var (loss, dW, db) = Classifier(path, form, bias, w: [float.NegativeInfinity, 0f], x: [1f], y: [1], n: 1, d: 1, c: 2, reg: 0f);
        Assert.True(float.IsNaN(dW[0]), $"dW[0] = {dW[0]}");
        Assert.Equal(0f, dW[1]);
        Assert.True(float.IsNaN(loss), $"loss = {loss}");
        if (bias) Assert.Equal([0f, 0f], db);
    }

    /// <summary>The same rule with C large enough that Auto picks the composed form, and with a finite W the reg = 0 result is Xᵀ·dS.</summary>
    [SkippableTheory]
    [MemberData(nameof(ClassifierCalls))]
    public void RegZeroAddsNothingForFiniteWeightsAndNaNForInfiniteOnes(KernelPath path, ClassifierForm form, bool bias)
    {
        Paths.Require(path);
        const int n = 3, d = 2, c = 64;
        var w = new float[d * c];
        for (int i = 0; i < w.Length; i++) w[i] = (i % 7 - 3) * 0.25f;
        float[] x = [1f, -2f, 0.5f, 0f, 3f, 1f];
        int[] y = [0, 63, 17];
        var finite = Classifier(path, form, bias, w, x, y, n, d, c, reg: 0f);
        var scalar = Classifier(KernelPath.Scalar, ClassifierForm.Auto, bias, w, x, y, n, d, c, reg: 0f);
        for (int i = 0; i < w.Length; i++) Assert.True(Math.Abs(finite.DW[i] - scalar.DW[i]) <= 1e-6f, $"dW[{i}] {finite.DW[i]} vs {scalar.DW[i]}");
        w[5] = float.PositiveInfinity;
        var inf = Classifier(path, form, bias, w, x, y, n, d, c, reg: 0f);
        Assert.True(float.IsNaN(inf.DW[5]), $"dW[5] = {inf.DW[5]}");
        Assert.True(float.IsNaN(inf.Loss));
    }

    /// <summary>Finding 3: a probability below FLT_MIN (exp flushed below −87.34) is +0 on every path, the scalar reference included.</summary>
    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void SoftmaxProbabilityBelowFltMinIsZeroOnEveryPath(KernelPath path)
    {
        Paths.Require(path);
        float[] x = [0f, -100f, -87f, -88f];
        var y = new float[4];
        Softmax.Rows(x, y, 4, path);
        Assert.Equal(0f, y[1]);
        Assert.Equal(0f, y[3]);
        Assert.True(y[2] > 0f, $"exp(−87) = {y[2]} is a normal float and must stay");
        Softmax.LogRows(x, y, 4, path);
        Assert.True(Math.Abs(y[1] - -100f) < 1e-5f, $"log-softmax is not flushed: {y[1]}");
    }

    /// <summary>Finding 3: a cross-entropy row whose entries are all −∞ gives NaN loss and NaN gradient on every path.</summary>
    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void CrossEntropyRowOfAllNegativeInfinityIsNaN(KernelPath path)
    {
        Paths.Require(path);
        float[] s = [float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, 0f, 1f, 2f];
        var g = new float[6];
        float loss = SoftmaxCrossEntropy.LossAndGradient(s, [1, 2], g, 3, path);
        Assert.True(float.IsNaN(loss));
        Assert.True(float.IsNaN(SoftmaxCrossEntropy.Loss(s, [1, 2], 3, path)));
        Assert.All(g[..3], v => Assert.True(float.IsNaN(v)));
        Assert.All(g[3..], v => Assert.True(float.IsFinite(v)));
    }

    /// <summary>A true-class −∞ with a finite entry in the row gives +∞; the rest of the gradient is finite.</summary>
    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void CrossEntropyTrueClassNegativeInfinityWithAFiniteEntryIsPositiveInfinity(KernelPath path)
    {
        Paths.Require(path);
        float[] s = [float.NegativeInfinity, 0f, 1f];
        var g = new float[3];
        Assert.Equal(float.PositiveInfinity, SoftmaxCrossEntropy.LossAndGradient(s, [0], g, 3, path));
        Assert.Equal(-1f, g[0], 1e-6f);
        Assert.All(g, v => Assert.True(float.IsFinite(v)));
    }

    /// <summary>
    /// [FLT_MAX, −FLT_MAX]: the true class at −FLT_MAX gives a loss of at least FLT_MAX (exactly 2·FLT_MAX) — +∞ in float
    /// on the SIMD paths, which subtract in float; the true class at FLT_MAX gives 0.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void CrossEntropyOfMaxValueAgainstMinusMaxValue(KernelPath path)
    {
        Paths.Require(path);
        float[] s = [float.MaxValue, -float.MaxValue];
        float wrong = SoftmaxCrossEntropy.Loss(s, [1], 2, path);
        Assert.True(wrong >= float.MaxValue, $"loss {wrong}");
        if (path != KernelPath.Scalar) Assert.Equal(float.PositiveInfinity, wrong);
        Assert.Equal(0f, SoftmaxCrossEntropy.Loss(s, [0], 2, path));
    }
}
