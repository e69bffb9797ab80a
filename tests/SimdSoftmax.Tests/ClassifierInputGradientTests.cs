namespace SimdSoftmax.Tests;

/// <summary>
/// The fused classifier with dX = dS·Wᵀ computed inside its pass and with the cross-entropy options it takes (reduction,
/// ignore index, class weights, row losses): against the scalar reference (double accumulation) at the tile and block
/// edges, bitwise across thread counts, bitwise equal to the plain overload in everything but dX, allocation-free.
/// </summary>
public class ClassifierInputGradientTests
{
    private static readonly (CrossEntropyOptions O, bool Weights)[] s_options =
    [
        (new CrossEntropyOptions(), false),
        (new CrossEntropyOptions { IgnoreIndex = -100 }, true),
        (new CrossEntropyOptions { Reduction = CrossEntropyReduction.Sum, IgnoreIndex = 3 }, false),
        (new CrossEntropyOptions { Reduction = CrossEntropyReduction.None, IgnoreIndex = -100 }, true),
    ];

    private sealed record Result(float Loss, float[] DW, float[] Db, float[] DX, float[] Losses);

    private static Result Run(KernelPath path, float[] w, float[] b, float[] x, int[] y, int n, int d, int c, float reg,
        CrossEntropyOptions o, float[] cw, bool rowLosses, int threads)
    {
        float[] dW = new float[d * c], db = new float[b.Length], dx = new float[n * d], losses = rowLosses ? new float[n] : [];
        var ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
        float loss = SoftmaxLoss.LossAndGradient(x, w, b, y, dW, db, dx, ws, n, d, c, new ClassifierOptions { Regularization = reg }, o with { ClassWeights = cw }, new CrossEntropyRowOutputs { Losses = losses }, path, threads);
        return new Result(loss, dW, db, dx, losses);
    }

    private static (float[] W, float[] B, float[] X, int[] Y, float[] Cw) Problem(int n, int d, int c, int seed, int? ignore)
    {
        int[] y = Data.Labels(n, c, seed + 2);
        if (ignore is int ig)
            for (int i = 1; i < n; i += 5) y[i] = ig;
        float[] cw = Data.Uniform(c, seed + 4, 0f, 2f);
        if (c > 2) cw[c / 2] = 0f;
        // X in halves and W in multiples of 1/256 (shrinking with long rows so scores stay O(1)): every score is exact in
        // float whatever the summation order, so the comparison measures the cross-entropy and gradient steps, not the
        // conditioning of a float dot product over thousands of terms.
        float scale = 0.5f * MathF.Min(1f, MathF.Sqrt(64f / Math.Max(1, d)));
        float[] w = Data.Uniform(d * c, seed, -scale, scale).Select(v => MathF.Round(v * 256f) / 256f).ToArray();
        float[] x = Data.Uniform(n * d, seed + 3, -1f, 1f).Select(v => MathF.Round(v * 2f) / 2f).ToArray();
        return (w, Data.Uniform(c, seed + 1, -0.5f, 0.5f), x, y, cw);
    }

    private static void CheckAgainstReference(KernelPath path, int n, int d, int c)
    {
        foreach (var (o, useWeights) in s_options)
            foreach (bool bias in new[] { false, true })
            {
                var (w, b, x, y, cw) = Problem(n, d, c, n * 1000 + d * 41 + c, o.IgnoreIndex);
                bool rowLosses = o.Reduction == CrossEntropyReduction.None || bias;
                float[] bb = bias ? b : [], weights = useWeights ? cw : [];
                var r = Run(KernelPath.Scalar, w, bb, x, y, n, d, c, 0.05f, o, weights, rowLosses, 1);
                var s = Run(path, w, bb, x, y, n, d, c, 0.05f, o, weights, rowLosses, 1);
                string what = $"{path} {n}x{d}x{c} {o} weights={useWeights} bias={bias}";
                Golden.Loss(r.Loss, s.Loss, 1e-5, what, atol: 1e-6);
                Golden.Rows(r.DW.Select(v => (double)v).ToArray(), s.DW, c, 1e-4, what + " dW", atol: 1e-6);
                Golden.Rows(r.Db.Select(v => (double)v).ToArray(), s.Db, Math.Max(1, c), 1e-4, what + " db", atol: 1e-6);
                Golden.Rows(r.DX.Select(v => (double)v).ToArray(), s.DX, d, 1e-4, what + " dX", atol: 1e-6);
                for (int i = 0; i < r.Losses.Length; i++) Golden.Loss(r.Losses[i], s.Losses[i], 1e-5, $"{what} row {i}", atol: 1e-6);
            }
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Fused_dX_matches_the_reference_for_every_class_count(KernelPath path)
    {
        Paths.Require(path);
        for (int c = 1; c <= SoftmaxLoss.FusedMaxClasses; c++) CheckAgainstReference(path, 9, 33, c);
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Fused_dX_matches_the_reference_around_the_tile_widths(KernelPath path)
    {
        Paths.Require(path);
        foreach (int d in new[] { 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100 })
            foreach (int c in new[] { 5, 10, 11 })
                CheckAgainstReference(path, 6, d, c);
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Fused_dX_matches_the_reference_around_the_row_block(KernelPath path)
    {
        Paths.Require(path);
        int d = 20000, block = SoftmaxLossFused.BlockRows(d); // a long row makes the block short (the minimum, 8)
        foreach (int n in new[] { 1, block - 1, block, block + 1, 2 * block + 3 })
            CheckAgainstReference(path, n, d, 3);
        block = SoftmaxLossFused.BlockRows(24);
        foreach (int n in new[] { block - 1, block, block + 1 })
            CheckAgainstReference(path, n, 24, 10);
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Fused_dX_streamed_past_the_cache_matches_the_reference(KernelPath path)
    {
        Paths.Require(path);
        int n = 1401, d = 3001, c = 3; // N·D past Tuning.StreamingMinFloats: dX goes out with non-temporal stores
        Assert.True((long)n * d >= Tuning.StreamingMinFloats && d >= Tuning.StreamingMinCols);
        var (w, b, x, y, _) = Problem(n, d, c, 21, null);
        var r = Run(KernelPath.Scalar, w, b, x, y, n, d, c, 0.05f, default, [], false, 1);
        var s = Run(path, w, b, x, y, n, d, c, 0.05f, default, [], false, 1);
        Golden.Loss(r.Loss, s.Loss, 1e-5, $"{path} loss", atol: 1e-6);
        Golden.Rows(r.DW.Select(v => (double)v).ToArray(), s.DW, c, 1e-4, $"{path} dW", atol: 1e-6);
        Golden.Rows(r.DX.Select(v => (double)v).ToArray(), s.DX, d, 1e-4, $"{path} dX", atol: 1e-6);
        var two = Run(path, w, b, x, y, n, d, c, 0.05f, default, [], false, 2);
        Assert.Equal(s.DX, two.DX);
        Assert.Equal(s.DW, two.DW);
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Fused_dX_is_bitwise_the_same_for_every_thread_count(KernelPath path)
    {
        Paths.Require(path);
        int n = 2100, d = 45, c = 10;
        foreach (var (o, useWeights) in s_options)
        {
            var (w, b, x, y, cw) = Problem(n, d, c, 5, o.IgnoreIndex);
            var one = Run(path, w, b, x, y, n, d, c, 0.1f, o, useWeights ? cw : [], true, 1);
            foreach (int threads in new[] { 0, 2, 3, 4 })
            {
                var other = Run(path, w, b, x, y, n, d, c, 0.1f, o, useWeights ? cw : [], true, threads);
                Assert.Equal(one.Loss, other.Loss);
                Assert.Equal(one.DW, other.DW);
                Assert.Equal(one.Db, other.Db);
                Assert.Equal(one.DX, other.DX);
                Assert.Equal(one.Losses, other.Losses);
            }
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Asking_for_dX_leaves_loss_and_weight_gradients_bit_for_bit(KernelPath path)
    {
        Paths.Require(path);
        foreach (var (n, d, c) in new[] { (100, 784, 10), (70, 33, 7), (600, 17, 40) })
        {
            var (w, b, x, y, _) = Problem(n, d, c, 11, null);
            float[] dW1 = new float[d * c], db1 = new float[c], dW2 = new float[d * c], db2 = new float[c], dx = new float[n * d];
            var ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
            float l1 = SoftmaxLoss.LossAndGradient(x, w, b, y, dW1, db1, ws, n, d, c, new ClassifierOptions { Regularization = 0.1f }, path, 1);
            float l2 = SoftmaxLoss.LossAndGradient(x, w, b, y, dW2, db2, dx, ws, n, d, c, new ClassifierOptions { Regularization = 0.1f }, default, path: path, threads: 1);
            Assert.Equal(l1, l2);
            Assert.Equal(dW1, dW2);
            Assert.Equal(db1, db2);
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Fused_dX_with_options_allocates_nothing(KernelPath path)
    {
        Paths.Require(path);
        int n = 300, d = 50, c = 10;
        var (w, b, x, y, cw) = Problem(n, d, c, 3, -100);
        float[] dW = new float[d * c], db = new float[c], dx = new float[n * d], losses = new float[n];
        var ws = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
        var o = new CrossEntropyOptions { IgnoreIndex = -100 };
        int[] plain = Data.Labels(n, c, 4);
        Assert.Equal(0, SteadyState.AllocatedBytes(() =>
            SoftmaxLoss.LossAndGradient(x, w, b, y, dW, db, dx, ws, n, d, c, new ClassifierOptions { Regularization = 0.1f }, o with { ClassWeights = cw }, new CrossEntropyRowOutputs { Losses = losses }, path, 1)));
        Assert.Equal(0, SteadyState.AllocatedBytes(() =>
            SoftmaxLoss.LossAndGradient(x, w, b, plain, dW, db, dx, ws, n, d, c, new ClassifierOptions { Regularization = 0.1f }, default, path: path, threads: 1)));
    }
}
