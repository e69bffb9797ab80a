namespace SimdSoftmax.Tests;

/// <summary>The multiclass SVM (hinge) loss on logits and on the linear classifier: every path and form against the scalar reference and a double oracle.</summary>
public class SvmTests
{
    public static TheoryData<KernelPath, ClassifierForm> PathsAndForms()
    {
        var d = new TheoryData<KernelPath, ClassifierForm> { { KernelPath.Scalar, ClassifierForm.Auto } };
        foreach (KernelPath p in new[] { KernelPath.Avx2, KernelPath.Avx512 })
            foreach (ClassifierForm f in new[] { ClassifierForm.Composed, ClassifierForm.Fused })
                d.Add(p, f);
        return d;
    }

    /// <summary>Double-precision oracle: the course's naive loops, loss and dW/db, ½·reg·ΣW² convention.</summary>
    internal static (double Loss, double[] DW, double[] Db) Oracle(float[] w, float[]? b, float[] x, int[] y, int n, int d, int c, double reg,
        double[]? wOverride = null, double[]? bOverride = null)
    {
        double W(int k) => wOverride is null ? w[k] : wOverride[k];
        double B(int j) => b is null ? 0 : bOverride is null ? b[j] : bOverride[j];
        var dW = new double[d * c];
        var db = new double[c];
        double loss = 0;
        var s = new double[c];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < c; j++)
            {
                double v = B(j);
                for (int p = 0; p < d; p++) v += (double)x[i * d + p] * W(p * c + j);
                s[j] = v;
            }
            for (int j = 0; j < c; j++)
            {
                if (j == y[i]) continue;
                double m = s[j] - s[y[i]] + 1;
                if (m <= 0) continue;
                loss += m;
                for (int p = 0; p < d; p++)
                {
                    dW[p * c + j] += x[i * d + p];
                    dW[p * c + y[i]] -= x[i * d + p];
                }
                db[j] += 1;
                db[y[i]] -= 1;
            }
        }
        double reg2 = 0;
        for (int k = 0; k < d * c; k++) reg2 += W(k) * W(k);
        for (int k = 0; k < d * c; k++) dW[k] = (n == 0 ? 0 : dW[k] / n) + reg * W(k);
        for (int j = 0; j < c; j++) db[j] = n == 0 ? 0 : db[j] / n;
        return ((n == 0 ? 0 : loss / n) + 0.5 * reg * reg2, dW, db);
    }

    internal static (float Loss, float[] DW, float[] Db) Run(KernelPath path, float[] w, float[]? b, float[] x, int[] y, int n, int d, int c,
        float reg, ClassifierForm form = ClassifierForm.Auto, int threads = 1)
    {
        var dW = Data.Filled(d * c, float.NaN);
        var db = Data.Filled(c, float.NaN);
        var ws = Data.Filled(SvmLoss.WorkspaceLength(n, d, c, form), float.NaN);
        float loss = b is null
            ? SvmLoss.LossAndGradient(x, w, y, dW, ws, n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, path, threads)
            : SvmLoss.LossAndGradient(x, w, b, y, dW, db, ws, n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, path, threads);
        return (loss, dW, db);
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Worked_example_hinge_is_zero_where_softmax_is_not(KernelPath path)
    {
        Paths.Require(path);
        Assert.Equal(0f, MulticlassSvm.Loss([10f, -10f, -10f], [0], 3, path));
        Assert.Equal(0f, MulticlassSvm.Loss([10f, 9f, 9f], [0], 3, path));
        Assert.Equal(0.00, Math.Round(SoftmaxCrossEntropy.Loss([10f, -10f, -10f], [0], 3, path), 2));
        Assert.Equal(0.55, Math.Round(SoftmaxCrossEntropy.Loss([10f, 9f, 9f], [0], 3, path), 2));
        var g = Data.Filled(6, float.NaN);
        Assert.Equal(0f, MulticlassSvm.LossAndGradient([10f, -10f, -10f, 10f, 9f, 9f], [0, 0], g, 3, path));
        Assert.Equal(new float[6], g);
        // One step inside the margin: [10, 9.5, 9] costs 0.5 (class 1 is only 0.5 below the true class).
        Assert.Equal(0.5f, MulticlassSvm.LossAndGradient([10f, 9.5f, 9f], [0], g.AsSpan(0, 3), 3, path));
        Assert.Equal(new[] { -1f, 1f, 0f }, g[..3]);
    }

    [SkippableTheory, MemberData(nameof(PathsAndForms))]
    public void Worked_example_through_the_classifier(KernelPath path, ClassifierForm form)
    {
        Paths.Require(path);
        // W = I (3×3): the scores are the samples themselves.
        float[] w = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        float[] x = [10, -10, -10, 10, 9, 9];
        var (loss, dW, db) = Run(path, w, [0f, 0f, 0f], x, [0, 0], 2, 3, 3, 0f, form);
        Assert.Equal(0f, loss);
        Assert.Equal(new float[9], dW);
        Assert.Equal(new float[3], db);
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Logits_match_the_scalar_reference_for_every_row_length(KernelPath path)
    {
        Paths.Require(path);
        for (int c = 0; c <= 70; c++)
            foreach (int n in c == 0 ? new[] { 0 } : new[] { 1, 3, 7 })
            {
                // Scores in a band of ±1.5 so that margins fall on both sides of 0 in every row.
                float[] s = Data.Uniform(n * c, 100 + c, -1.5f, 1.5f);
                int[] y = c == 0 ? [] : Data.Labels(n, c, 200 + c);
                var gRef = new float[n * c];
                float lRef = MulticlassSvm.LossAndGradient(s, y, gRef, c, KernelPath.Scalar);
                // Guard elements either side: the kernel must not write outside the row span.
                var padded = Data.Filled(n * c + 32, -7f);
                Span<float> g = padded.AsSpan(16, n * c);
                float l = MulticlassSvm.LossAndGradient(s, y, g, c, path);
                Assert.Equal(lRef, l, 5e-6f * Math.Max(1f, Math.Abs(lRef)));
                Assert.Equal(gRef, g.ToArray());
                Assert.All(padded[..16], v => Assert.Equal(-7f, v));
                Assert.All(padded[(16 + n * c)..], v => Assert.Equal(-7f, v));
                Assert.Equal(lRef, MulticlassSvm.Loss(s, y, c, KernelPath.Scalar));
                Assert.Equal(l, MulticlassSvm.Loss(s, y, c, path));
                // In place.
                float[] inPlace = (float[])s.Clone();
                Assert.Equal(l, MulticlassSvm.LossAndGradient(inPlace, y, inPlace, c, path));
                Assert.Equal(gRef, inPlace);
            }
    }

    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 2, 3, 2 }, { 3, 17, 10 }, { 5, 16, 5 }, { 9, 33, 11 }, { 16, 31, 20 }, { 33, 64, 9 }, { 65, 100, 21 },
        { 130, 47, 10 }, { 700, 40, 3 }, { 1100, 24, 10 },
    };

    [SkippableTheory, MemberData(nameof(Shapes))]
    public void Classifier_matches_the_double_oracle_on_every_path_and_form(int n, int d, int c)
    {
        float[] x = Data.Uniform(n * d, n + d, -1f, 1f);
        float[] w = Data.Uniform(d * c, d + c, -0.3f, 0.3f);
        float[] b = Data.Uniform(c, c, -0.5f, 0.5f);
        int[] y = Data.Labels(n, c, n * 7 + c);
        const float reg = 0.25f;
        foreach (bool bias in new[] { false, true })
        {
            var (oLoss, oDW, oDb) = Oracle(w, bias ? b : null, x, y, n, d, c, reg);
            foreach (var row in PathsAndForms())
            {
                var path = (KernelPath)row[0];
                var form = (ClassifierForm)row[1];
                if (!KernelPaths.IsSupported(path)) continue;
                var (loss, dW, db) = Run(path, w, bias ? b : null, x, y, n, d, c, reg, form);
                string at = $"{path} {form} bias={bias} ({n},{d},{c})";
                Assert.True(Math.Abs(loss - oLoss) <= 1e-4 * (1 + Math.Abs(oLoss)), $"{at}: loss {loss} vs {oLoss}");
                for (int k = 0; k < dW.Length; k++)
                    Assert.True(Math.Abs(dW[k] - oDW[k]) <= 1e-4 * (1 + Math.Abs(oDW[k])), $"{at}: dW[{k}] {dW[k]} vs {oDW[k]}");
                if (bias)
                    for (int j = 0; j < c; j++)
                        Assert.True(Math.Abs(db[j] - oDb[j]) <= 1e-5, $"{at}: db[{j}] {db[j]} vs {oDb[j]}");
            }
        }
    }

    [Fact]
    public void Finite_difference_gradient_check()
    {
        const int n = 12, d = 7, c = 4;
        const double reg = 0.1, h = 1e-6;
        float[] x = Data.Uniform(n * d, 11);
        float[] w = Data.Uniform(d * c, 12, -0.5f, 0.5f);
        float[] b = Data.Uniform(c, 13, -0.2f, 0.2f);
        int[] y = Data.Labels(n, c, 14);
        double[] wd = w.Select(v => (double)v).ToArray(), bd = b.Select(v => (double)v).ToArray();
        double Loss() => Oracle(w, b, x, y, n, d, c, reg, wd, bd).Loss;
        double Numeric(double[] p, int k)
        {
            double keep = p[k];
            p[k] = keep + h; double up = Loss();
            p[k] = keep - h; double down = Loss();
            p[k] = keep;
            return (up - down) / (2 * h);
        }
        foreach (KernelPath path in KernelPaths.Available)
            foreach (ClassifierForm form in new[] { ClassifierForm.Composed, ClassifierForm.Fused })
            {
                var (_, dW, db) = Run(path, w, b, x, y, n, d, c, (float)reg, form);
                for (int k = 0; k < dW.Length; k++)
                    Assert.True(Math.Abs(Numeric(wd, k) - dW[k]) < 1e-4 * (1 + Math.Abs(dW[k])), $"{path} {form} dW[{k}]: analytic {dW[k]} numeric {Numeric(wd, k)}");
                for (int j = 0; j < c; j++)
                    Assert.True(Math.Abs(Numeric(bd, j) - db[j]) < 1e-4 * (1 + Math.Abs(db[j])), $"{path} {form} db[{j}]: analytic {db[j]} numeric {Numeric(bd, j)}");
            }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Special_values(KernelPath path)
    {
        Paths.Require(path);
        float inf = float.PositiveInfinity;
        var g = new float[3];
        Assert.Equal(inf, MulticlassSvm.LossAndGradient([0f, inf, 0f], [0], g, 3, path)); // wrong class at +∞
        Assert.Equal(new[] { -2f, 1f, 1f }, g);
        Assert.Equal(0f, MulticlassSvm.LossAndGradient([inf, 5f, -inf], [0], g, 3, path)); // true class at +∞
        Assert.Equal(new[] { 0f, 0f, 0f }, g);
        Assert.Equal(inf, MulticlassSvm.LossAndGradient([-inf, 5f, 0f], [0], g, 3, path)); // true class at −∞
        Assert.Equal(new[] { -2f, 1f, 1f }, g);
        Assert.True(float.IsNaN(MulticlassSvm.LossAndGradient([inf, inf, 0f], [0], g, 3, path))); // ∞ − ∞
        Assert.Equal(new[] { 0f, 0f, 0f }, g);
        Assert.True(float.IsNaN(MulticlassSvm.LossAndGradient([0f, float.NaN, 0.5f], [0], g, 3, path)));
        Assert.Equal(new[] { -1f, 0f, 1f }, g);
        Assert.True(float.IsNaN(MulticlassSvm.LossAndGradient([float.NaN, 0f, 0f], [0], g, 3, path)));
        Assert.Equal(new[] { 0f, 0f, 0f }, g);
        Assert.Equal(0f, MulticlassSvm.Loss([], [], 0, path));
        Assert.Equal(0f, MulticlassSvm.Loss([], [], 5, path));
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Empty_batch_gives_only_the_regularization(KernelPath path)
    {
        Paths.Require(path);
        float[] w = [1f, 2f, 3f, 4f];
        foreach (ClassifierForm form in new[] { ClassifierForm.Composed, ClassifierForm.Fused })
        {
            var (loss, dW, db) = Run(path, w, [0f, 0f], [], [], 0, 2, 2, 0.5f, form);
            Assert.Equal(0.5 * 0.5 * 30, loss, 5);
            Assert.Equal(new[] { 0.5f, 1f, 1.5f, 2f }, dW);
            Assert.Equal(new[] { 0f, 0f }, db);
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Fused_result_is_bitwise_identical_for_every_thread_count(KernelPath path)
    {
        Paths.Require(path);
        const int n = 2100, d = 50, c = 10;
        float[] x = Data.Uniform(n * d, 1), w = Data.Uniform(d * c, 2, -0.1f, 0.1f), b = Data.Uniform(c, 3);
        int[] y = Data.Labels(n, c, 4);
        var one = Run(path, w, b, x, y, n, d, c, 0.01f, ClassifierForm.Fused, threads: 1);
        foreach (int t in new[] { 0, 2, 3, 8 })
        {
            var other = Run(path, w, b, x, y, n, d, c, 0.01f, ClassifierForm.Fused, threads: t);
            Assert.Equal(one.Loss, other.Loss);
            Assert.Equal(one.DW, other.DW);
            Assert.Equal(one.Db, other.Db);
        }
    }

    [SkippableTheory, MemberData(nameof(PathsAndForms))]
    public void Steady_state_calls_allocate_nothing(KernelPath path, ClassifierForm form)
    {
        Paths.Require(path);
        const int n = 200, d = 3073, c = 10;
        float[] x = Data.Uniform(n * d, 1), w = Data.Uniform(d * c, 2, -0.01f, 0.01f), b = new float[c];
        int[] y = Data.Labels(n, c, 3);
        var dW = new float[d * c];
        var db = new float[c];
        var ws = new float[SvmLoss.WorkspaceLength(n, d, c, form)];
        Assert.Equal(0, SteadyState.AllocatedBytes(() => SvmLoss.LossAndGradient(x, w, b, y, dW, db, ws, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = form }, path, 1)));
        var s = Data.Uniform(n * c, 4);
        var g = new float[n * c];
        Assert.Equal(0, SteadyState.AllocatedBytes(() => MulticlassSvm.LossAndGradient(s, y, g, c, path)));
    }

    [Fact]
    public void Logits_validation_names_the_argument_and_writes_nothing()
    {
        var g = Data.Filled(6, 42f);
        Assert.Equal("cols", Assert.Throws<ArgumentOutOfRangeException>(() => MulticlassSvm.LossAndGradient(new float[6], [0, 1], g, -1)).ParamName);
        Assert.Equal("cols", Assert.Throws<ArgumentOutOfRangeException>(() => MulticlassSvm.LossAndGradient(new float[0], [0], g.AsSpan(0, 0), 0)).ParamName);
        Assert.Equal("scores", Assert.Throws<ArgumentException>(() => MulticlassSvm.LossAndGradient(new float[5], [0, 1], g, 3)).ParamName);
        Assert.Equal("dScores", Assert.Throws<ArgumentException>(() => MulticlassSvm.LossAndGradient(new float[6], [0, 1], g.AsSpan(0, 5), 3)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => MulticlassSvm.LossAndGradient(new float[6], [0, 3], g, 3)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => MulticlassSvm.Loss(new float[6], [-1, 0], 3)).ParamName);
        var shared = new float[8];
        Assert.Equal("dScores", Assert.Throws<ArgumentException>(() => MulticlassSvm.LossAndGradient(shared.AsSpan(0, 6), [0, 1], shared.AsSpan(2, 6), 3)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentOutOfRangeException>(() => MulticlassSvm.Loss(new float[6], [0, 1], 3, (KernelPath)9)).ParamName);
        Assert.All(g, v => Assert.Equal(42f, v));
    }

    [Fact]
    public void Classifier_validation_names_the_argument_and_writes_nothing()
    {
        const int n = 4, d = 3, c = 2;
        float[] w = new float[d * c], x = new float[n * d], b = new float[c];
        int[] y = [0, 1, 0, 1];
        var dW = Data.Filled(d * c, 42f);
        var db = Data.Filled(c, 42f);
        var ws = new float[SvmLoss.WorkspaceLength(n, d, c)];
        void Expect<T>(string param, Action call) where T : ArgumentException => Assert.Equal(param, Assert.Throws<T>(call).ParamName);
        Expect<ArgumentException>("w", () => SvmLoss.LossAndGradient(x, new float[5], b, y, dW, db, ws, n, d, c));
        Expect<ArgumentException>("x", () => SvmLoss.LossAndGradient(new float[11], w, b, y, dW, db, ws, n, d, c));
        Expect<ArgumentException>("labels", () => SvmLoss.LossAndGradient(x, w, b, [0, 1, 0], dW, db, ws, n, d, c));
        Expect<ArgumentException>("bias", () => SvmLoss.LossAndGradient(x, w, new float[3], y, dW, db, ws, n, d, c));
        Expect<ArgumentException>("dBias", () => SvmLoss.LossAndGradient(x, w, b, y, dW, db.AsSpan(0, 1), ws, n, d, c));
        Expect<ArgumentException>("dW", () => SvmLoss.LossAndGradient(x, w, b, y, dW.AsSpan(0, 5), db, ws, n, d, c));
        Expect<ArgumentException>("workspace", () => SvmLoss.LossAndGradient(x, w, b, y, dW, db, ws.AsSpan(0, ws.Length - 1), n, d, c));
        Expect<ArgumentOutOfRangeException>("labels", () => SvmLoss.LossAndGradient(x, w, b, [0, 1, 2, 0], dW, db, ws, n, d, c));
        Expect<ArgumentOutOfRangeException>("options", () => SvmLoss.LossAndGradient(x, w, b, y, dW, db, ws, n, d, c, new ClassifierOptions { Regularization = -1f }));
        Expect<ArgumentOutOfRangeException>("options", () => SvmLoss.LossAndGradient(x, w, b, y, dW, db, ws, n, d, c, new ClassifierOptions { Regularization = float.NaN }));
        Expect<ArgumentOutOfRangeException>("options", () => SvmLoss.LossAndGradient(x, w, b, y, dW, db, ws, n, d, c, new ClassifierOptions { Regularization = float.PositiveInfinity }));
        Expect<ArgumentOutOfRangeException>("rows", () => SvmLoss.LossAndGradient(x, w, b, y, dW, db, ws, -1, d, c));
        Expect<ArgumentOutOfRangeException>("classes", () => SvmLoss.LossAndGradient(x, [], [], y, [], [], ws, n, d, 0));
        Expect<ArgumentOutOfRangeException>("features", () => SvmLoss.LossAndGradient(x, w, b, y, dW, db, ws, 65536, 65536, c));
        Expect<ArgumentOutOfRangeException>("options", () => SvmLoss.LossAndGradient(x, w, b, y, dW, db, ws, n, d, c, new ClassifierOptions { Form = (ClassifierForm)7 }));
        Expect<ArgumentOutOfRangeException>("threads", () => SvmLoss.LossAndGradient(x, w, b, y, dW, db, ws, n, d, c, threads: -1));
        Expect<ArgumentOutOfRangeException>("path", () => SvmLoss.LossAndGradient(x, w, b, y, dW, db, ws, n, d, c, path: (KernelPath)9));
        var big = new float[64];
        Expect<ArgumentException>("dW", () => SvmLoss.LossAndGradient(x, big.AsSpan(0, 6), b, y, big.AsSpan(3, 6), db, ws, n, d, c));
        Expect<ArgumentException>("dW", () => SvmLoss.LossAndGradient(big.AsSpan(0, 12), w, b, y, big.AsSpan(10, 6), db, ws, n, d, c));
        Expect<ArgumentException>("dBias", () => SvmLoss.LossAndGradient(x, w, b, y, big.AsSpan(0, 6), big.AsSpan(5, 2), ws, n, d, c));
        var shared = new float[ws.Length + 12];
        Expect<ArgumentException>("workspace", () => SvmLoss.LossAndGradient(shared.AsSpan(0, 12), w, b, y, dW, db, shared.AsSpan(6), n, d, c));
        Assert.All(dW, v => Assert.Equal(42f, v));
        Assert.All(db, v => Assert.Equal(42f, v));
        Expect<ArgumentOutOfRangeException>("form", () => SvmLoss.WorkspaceLength(1, 1, 1, (ClassifierForm)5));
    }
}
