namespace SimdSoftmax.Tests;

/// <summary>
/// Cross-entropy options on every path against the scalar reference (which the golden tests tie to PyTorch), the
/// defaults against the plain overloads bit for bit, and the classifier with options and dX.
/// </summary>
public class CrossEntropyOptionsTests
{
    private static readonly CrossEntropyReduction[] s_reductions = [CrossEntropyReduction.Mean, CrossEntropyReduction.Sum, CrossEntropyReduction.None];

    private sealed record Result(float Loss, float[] Grad, float[] Losses, float[] Lse, int[] Argmax);

    private static Result Run(KernelPath path, float[] logits, int[] labels, float[]? targets, int n, int c, CrossEntropyOptions o,
        float[] weights, int outputs, bool inPlace = false)
    {
        float[] g = inPlace ? (float[])logits.Clone() : new float[n * c];
        float[] losses = new float[n], lse = new float[n];
        int[] argmax = new int[n];
        bool wantLosses = outputs >= 1 || o.Reduction == CrossEntropyReduction.None;
        var ro = new CrossEntropyRowOutputs
        {
            Losses = wantLosses ? losses : default,
            LogSumExp = outputs == 2 ? lse : default,
            Argmax = outputs == 2 ? argmax : default,
        };
        float loss = targets is null
            ? SoftmaxCrossEntropy.LossAndGradient(inPlace ? g : logits, labels, g, c, o with { ClassWeights = weights }, ro, path)
            : SoftmaxCrossEntropy.LossAndGradient(inPlace ? g : logits, targets, g, c, o with { ClassWeights = weights }, ro, path);
        return new Result(loss, g, losses, lse, argmax);
    }

    private static IEnumerable<(CrossEntropyOptions O, bool Weights, int Outputs, bool Soft)> Combinations(int c)
    {
        foreach (bool soft in new[] { false, true })
            foreach (CrossEntropyReduction red in s_reductions)
                foreach (int? ignore in soft ? new int?[] { null } : new int?[] { null, CrossEntropyOptions.PyTorchIgnoreIndex, 0 })
                    foreach (bool weights in new[] { false, true })
                        foreach (float eps in new[] { 0f, 0.1f })
                            foreach (float z in new[] { 0f, 1e-3f })
                                foreach (int outputs in new[] { 0, 1, 2 }) // none; losses; losses + lse + argmax
                                    yield return (new CrossEntropyOptions { Reduction = red, IgnoreIndex = ignore, LabelSmoothing = eps, ZLoss = z }, weights, outputs, soft);
    }

    private static (float[] Logits, int[] Labels, float[] Targets, float[] Weights) Problem(int n, int c, int seed)
    {
        float[] logits = Data.Uniform(n * c, seed, -20f, 20f);
        int[] labels = Data.Labels(n, c, seed + 1);
        for (int i = 2; i < n; i += 5) labels[i] = CrossEntropyOptions.PyTorchIgnoreIndex;
        float[] targets = Data.Uniform(n * c, seed + 2, 0f, 1f);
        float[] weights = Data.Uniform(c, seed + 3, 0f, 2f);
        weights[c / 2] = 0f;
        return (logits, labels, targets, weights);
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Simd_paths_match_the_scalar_reference_for_every_option_combination(KernelPath path)
    {
        Paths.Require(path);
        int calls = 0;
        foreach (int c in new[] { 1, 2, 10, 16, 17, 64, 1000 })
            foreach (int n in c == 1000 ? new[] { 3 } : new[] { 1, 17, 40 })
            {
                var (logits, labels, targets, weights) = Problem(n, c, 31 * c + n);
                foreach (var (o, useWeights, outputs, soft) in Combinations(c))
                {
                    // An ignore index of 0 turns the −100 labels back into errors: use class 0 as the ignored one there.
                    int[] y = o.IgnoreIndex is null or 0 ? labels.Select(v => v < 0 ? 0 : v).ToArray() : labels;
                    float[] w = useWeights ? weights : [];
                    string what = $"{path} n={n} c={c} {o} weights={useWeights} outputs={outputs} soft={soft}";
                    Result r = Run(KernelPath.Scalar, logits, y, soft ? targets : null, n, c, o, w, outputs);
                    Result s = Run(path, logits, y, soft ? targets : null, n, c, o, w, outputs);
                    calls++;
                    Golden.Loss(r.Loss, s.Loss, 2e-5, what, atol: 1e-6);
                    // Soft or smoothed targets: entries may cancel below the float exp's precision (see SoftGradientAtol).
                    double atol = soft || o.LabelSmoothing != 0
                        ? Math.Max(1e-9, Golden.SoftGradientAtol(soft ? targets : Golden.OneHot(y, c), w, n, c, o.LabelSmoothing,
                            o.Reduction == CrossEntropyReduction.Mean ? 1.0 / n : 1.0))
                        : 1e-9;
                    Golden.Rows(r.Grad.Select(v => (double)v).ToArray(), s.Grad, c, 2e-5, what + " grad", atol: atol);
                    for (int i = 0; i < n; i++) Golden.Loss(r.Losses[i], s.Losses[i], 2e-5, $"{what} row {i}", atol: 1e-6);
                    if (outputs == 2)
                    {
                        for (int i = 0; i < n; i++) Golden.Loss(r.Lse[i], s.Lse[i], 1e-6, $"{what} lse {i}", atol: 1e-6);
                        Assert.Equal(r.Argmax, s.Argmax);
                    }
                    if (n == 17 && outputs <= 1)
                    {
                        Result inPlace = Run(path, logits, y, soft ? targets : null, n, c, o, w, outputs, inPlace: true);
                        Assert.Equal(s.Loss, inPlace.Loss);
                        Assert.Equal(s.Grad, inPlace.Grad);
                    }
                }
            }
        Assert.True(calls > 1000);
    }

    /// <summary>The scalar reference in place gives bitwise its separate-buffer result, for every option combination.</summary>
    [Fact]
    public void Scalar_reference_in_place_is_the_same()
    {
        var (logits, labels, targets, weights) = Problem(17, 10, 5);
        foreach (var (o, useWeights, outputs, soft) in Combinations(10))
        {
            if (o.IgnoreIndex is null or 0) continue;
            float[] w = useWeights ? weights : [];
            Result a = Run(KernelPath.Scalar, logits, labels, soft ? targets : null, 17, 10, o, w, outputs);
            Result b = Run(KernelPath.Scalar, logits, labels, soft ? targets : null, 17, 10, o, w, outputs, inPlace: true);
            Assert.Equal(a.Loss, b.Loss);
            Assert.Equal(a.Grad, b.Grad);
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Default_options_are_the_plain_overloads_bit_for_bit(KernelPath path)
    {
        Paths.Require(path);
        foreach (int c in new[] { 1, 3, 10, 16, 17, 33, 100, 1000 })
            foreach (int n in new[] { 0, 1, 16, 37 })
            {
                float[] logits = Data.Uniform(n * c, n * 7 + c, -30f, 30f);
                int[] labels = Data.Labels(n, c, n + 3 * c);
                float[] g1 = new float[n * c], g2 = new float[n * c];
                float plain = SoftmaxCrossEntropy.LossAndGradient(logits, labels, g1, c, path);
                float options = SoftmaxCrossEntropy.LossAndGradient(logits, labels, g2, c, default(CrossEntropyOptions), path: path);
                Assert.Equal(plain, options);
                Assert.Equal(g1, g2);
                Assert.Equal(SoftmaxCrossEntropy.Loss(logits, labels, c, path), SoftmaxCrossEntropy.Loss(logits, labels, c, new CrossEntropyOptions(), path: path));
            }
    }

    /// <summary>Ignored rows: zero gradient rows, loss 0, and lse/argmax still filled; an all-ignored mean is 0 with a zero gradient.</summary>
    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Ignored_rows_and_an_empty_mean(KernelPath path)
    {
        Paths.Require(path);
        const int n = 6, c = 10;
        float[] logits = Data.Uniform(n * c, 3, -5f, 5f);
        int[] labels = [1, -1, 2, -1, -1, 9];
        var o = new CrossEntropyOptions { IgnoreIndex = -1 };
        float[] g = Data.Filled(n * c, 7f), losses = Data.Filled(n, 7f), lse = new float[n];
        int[] argmax = new int[n];
        float loss = SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, o, new CrossEntropyRowOutputs { Losses = losses, LogSumExp = lse, Argmax = argmax }, path);
        float[] counted = [.. logits.AsSpan(0, c), .. logits.AsSpan(2 * c, c), .. logits.AsSpan(5 * c, c)];
        Assert.Equal(SoftmaxCrossEntropy.Loss(counted, [1, 2, 9], c, KernelPath.Scalar), loss, 1e-5f);
        foreach (int i in new[] { 1, 3, 4 })
        {
            Assert.All(g.AsSpan(i * c, c).ToArray(), v => Assert.Equal(0f, v));
            Assert.Equal(0f, losses[i]);
            Assert.Equal(OptionPlan.Argmax(logits.AsSpan(i * c, c)), argmax[i]);
            Assert.True(lse[i] > logits.AsSpan(i * c, c).ToArray().Max());
        }
        int[] none = [-1, -1, -1, -1, -1, -1];
        Array.Fill(g, 7f);
        foreach (var opt in new[] { o, o with { LabelSmoothing = 0.2f, ZLoss = 0.01f } })
        {
            Assert.Equal(0f, SoftmaxCrossEntropy.LossAndGradient(logits, none, g, c, opt, path: path));
            Assert.All(g, v => Assert.Equal(0f, v));
        }
        // Zero weight sum over the counted rows: the mean's cross-entropy term is 0 with a zero gradient.
        float[] weights = Data.Filled(c, 1f);
        weights[1] = weights[2] = weights[9] = 0f;
        Array.Fill(g, 7f);
        Assert.Equal(0f, SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, (o with { LabelSmoothing = 0.1f }) with { ClassWeights = weights }, path: path));
        Assert.All(g, v => Assert.Equal(0f, v));
    }

    private static (float[] W, float[] B, float[] X, int[] Y, float[] T, float[] Cw) Classifier(int n, int d, int c, int seed)
    {
        int[] y = Data.Labels(n, c, seed + 2);
        for (int i = 1; i < n; i += 4) y[i] = -100;
        float[] cw = Data.Uniform(c, seed + 4, 0f, 2f);
        return (Data.Uniform(d * c, seed, -0.5f, 0.5f), Data.Uniform(c, seed + 1, -0.5f, 0.5f), Data.Uniform(n * d, seed + 3, -1f, 1f),
            y, Data.Uniform(n * c, seed + 5, 0f, 1f), cw);
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Classifier_with_options_and_dX_matches_the_scalar_reference(KernelPath path)
    {
        Paths.Require(path);
        var optionSets = new[]
        {
            (O: new CrossEntropyOptions(), Weights: false),
            (O: new CrossEntropyOptions { IgnoreIndex = -100 }, Weights: true),
            (O: new CrossEntropyOptions { IgnoreIndex = -100, LabelSmoothing = 0.1f, ZLoss = 1e-3f }, Weights: true),
            (O: new CrossEntropyOptions { Reduction = CrossEntropyReduction.Sum, IgnoreIndex = -100 }, Weights: false),
            (O: new CrossEntropyOptions { Reduction = CrossEntropyReduction.None, IgnoreIndex = -100, LabelSmoothing = 0.2f }, Weights: true),
        };
        foreach (var (n, d, c) in new[] { (1, 1, 1), (5, 7, 3), (17, 13, 10), (40, 31, 64), (9, 100, 33) })
        {
            var (w, b, x, y, t, cw) = Classifier(n, d, c, n * 100 + d + c);
            foreach (var (o, useWeights) in optionSets)
                foreach (bool bias in new[] { false, true })
                    foreach (bool soft in new[] { false, true })
                        foreach (float reg in new[] { 0f, 0.1f })
                        {
                            int[] yo = o.IgnoreIndex is null ? y.Select(v => v < 0 ? 0 : v).ToArray() : y;
                            var r = RunClassifier(KernelPath.Scalar, w, bias ? b : [], x, yo, soft ? t : null, n, d, c, reg, o, useWeights ? cw : []);
                            var s = RunClassifier(path, w, bias ? b : [], x, yo, soft ? t : null, n, d, c, reg, o, useWeights ? cw : []);
                            string what = $"{path} {n}x{d}x{c} {o} bias={bias} soft={soft} reg={reg}";
                            Golden.Loss(r.Loss, s.Loss, 1e-5, what, atol: 1e-6);
                            Golden.Rows(r.DW.Select(v => (double)v).ToArray(), s.DW, c, 1e-4, what + " dW", atol: 1e-7);
                            Golden.Rows(r.Db.Select(v => (double)v).ToArray(), s.Db, Math.Max(1, s.Db.Length), 1e-4, what + " db", atol: 1e-7);
                            Golden.Rows(r.DX.Select(v => (double)v).ToArray(), s.DX, d, 1e-4, what + " dX", atol: 1e-7);
                            for (int i = 0; i < n; i++) Golden.Loss(r.Losses[i], s.Losses[i], 1e-5, $"{what} row {i}", atol: 1e-6);
                            Assert.Equal(r.Argmax, s.Argmax);
                        }
        }
    }

    private sealed record ClassifierResult(float Loss, float[] DW, float[] Db, float[] DX, float[] Losses, int[] Argmax);

    private static ClassifierResult RunClassifier(KernelPath path, float[] w, float[] b, float[] x, int[] y, float[]? t,
        int n, int d, int c, float reg, CrossEntropyOptions o, float[] cw, bool dX = true, int threads = 1)
    {
        float[] dW = new float[d * c], db = new float[b.Length], dx = dX ? new float[n * d] : [], losses = new float[n];
        int[] argmax = new int[n];
        var ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
        var ro = new CrossEntropyRowOutputs { Losses = losses, Argmax = argmax };
        float loss = t is null
            ? SoftmaxLoss.LossAndGradient(x, w, b, y, dW, db, dx, ws, n, d, c, new ClassifierOptions { Regularization = reg }, o with { ClassWeights = cw }, ro, path, threads)
            : SoftmaxLoss.LossAndGradient(x, w, b, t, dW, db, dx, ws, n, d, c, new ClassifierOptions { Regularization = reg }, o with { ClassWeights = cw }, ro, path, threads);
        return new ClassifierResult(loss, dW, db, dx, losses, argmax);
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Classifier_default_options_are_todays_classifier_bit_for_bit(KernelPath path)
    {
        Paths.Require(path);
        foreach (var (n, d, c) in new[] { (0, 3, 2), (1, 1, 1), (17, 13, 10), (40, 31, 64) })
        {
            var (w, b, x, _, _, _) = Classifier(n, d, c, 11);
            int[] y = Data.Labels(n, c, 5);
            var ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
            float[] dW1 = new float[d * c], db1 = new float[c], dW2 = new float[d * c], db2 = new float[c];
            float l1 = SoftmaxLoss.LossAndGradient(x, w, b, y, dW1, db1, ws, n, d, c, new ClassifierOptions { Regularization = 0.1f }, path, 1);
            float l2 = SoftmaxLoss.LossAndGradient(x, w, b, y, dW2, db2, default, ws, n, d, c, new ClassifierOptions { Regularization = 0.1f }, default, path: path, threads: 1);
            Assert.Equal(l1, l2);
            Assert.Equal(dW1, dW2);
            Assert.Equal(db1, db2);
            float l3 = SoftmaxLoss.LossAndGradient(x, w, y, dW1, ws, n, d, c, new ClassifierOptions { Regularization = 0.1f }, path, 1);
            float l4 = SoftmaxLoss.LossAndGradient(x, w, [], y, dW2, [], default, ws, n, d, c, new ClassifierOptions { Regularization = 0.1f }, default, path: path, threads: 1);
            Assert.Equal(l3, l4);
            Assert.Equal(dW1, dW2);
            // dX with default options: the same loss and dW as without it, and dX = dS·Wᵀ.
            float[] dX = new float[n * d];
            float l5 = SoftmaxLoss.LossAndGradient(x, w, b, y, dW2, db2, dX, ws, n, d, c, new ClassifierOptions { Regularization = 0.1f }, default, path: path, threads: 1);
            Assert.Equal(l1, l5, 1e-6f * Math.Abs(l1) + 1e-7f);
            var dS = new float[n * c];
            var scores = new float[n * c];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < c; j++)
                {
                    double s = b[j];
                    for (int p = 0; p < d; p++) s += (double)x[i * d + p] * w[p * c + j];
                    scores[i * c + j] = (float)s;
                }
            SoftmaxCrossEntropy.LossAndGradient(scores, y, dS, c, KernelPath.Scalar);
            for (int i = 0; i < n; i++)
                for (int p = 0; p < d; p++)
                {
                    double e = 0;
                    for (int j = 0; j < c; j++) e += (double)dS[i * c + j] * w[p * c + j];
                    Assert.True(Math.Abs(dX[i * d + p] - e) <= 1e-4 * Math.Abs(e) + 1e-6, $"dX[{i},{p}] {dX[i * d + p]} vs {e}");
                }
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Zero_bytes_allocated_per_call_with_options(KernelPath path)
    {
        Paths.Require(path);
        const int n = 64, c = 10, d = 20;
        var (logits, labels, targets, weights) = Problem(n, c, 9);
        float[] g = new float[n * c], losses = new float[n], lse = new float[n];
        int[] argmax = new int[n];
        var all = new CrossEntropyOptions { Reduction = CrossEntropyReduction.None, IgnoreIndex = -100, LabelSmoothing = 0.1f, ZLoss = 1e-3f };
        var simd = new CrossEntropyOptions { Reduction = CrossEntropyReduction.Sum, IgnoreIndex = -100 };
        Assert.Equal(0, SteadyState.AllocatedBytes(() =>
            SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, all with { ClassWeights = weights }, new CrossEntropyRowOutputs { Losses = losses, LogSumExp = lse, Argmax = argmax }, path)));
        Assert.Equal(0, SteadyState.AllocatedBytes(() => SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, c, simd with { ClassWeights = weights }, path: path)));
        Assert.Equal(0, SteadyState.AllocatedBytes(() => SoftmaxCrossEntropy.Loss(logits, targets, c, (all with { Reduction = CrossEntropyReduction.Mean }) with { ClassWeights = weights }, path: path)));
        var (w, b, x, y, _, cw) = Classifier(n, d, c, 3);
        float[] dW = new float[d * c], db = new float[c], dX = new float[n * d];
        var ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
        Assert.Equal(0, SteadyState.AllocatedBytes(() =>
            SoftmaxLoss.LossAndGradient(x, w, b, y, dW, db, dX, ws, n, d, c, new ClassifierOptions { Regularization = 0.1f }, (all with { Reduction = CrossEntropyReduction.Mean }) with { ClassWeights = cw }, new CrossEntropyRowOutputs { Argmax = argmax }, path, 1)));
    }
}
