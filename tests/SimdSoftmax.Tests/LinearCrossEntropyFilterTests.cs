namespace SimdSoftmax.Tests;

/// <summary>
/// The optional gradient filter of <see cref="LinearCrossEntropyBlocked"/> (CCE's: class tiles whose |dS| is below the
/// cutoff in every row of a row block are left out of the backward GEMMs): off, it changes nothing; with nothing below
/// the cutoff, the same bits; dropped tiles give exact zeros in dW and stay within the documented bound in dX and dW;
/// the result is the same for every thread count.
/// </summary>
public class LinearCrossEntropyFilterTests
{
    /// <summary>
    /// A trained-like output layer: the bias puts classes ≥ <paramref name="hot"/> 30 logits down (p &lt; e⁻²⁰), so
    /// their tiles carry no gradient above any cutoff ≥ 1e-8, and every label is below <paramref name="hot"/>.
    /// </summary>
    private static (float[] X, float[] W, float[] B, int[] Y) Peaked(int n, int d, int c, int hot, int seed)
    {
        float[] x = Data.Uniform(n * d, seed), w = Data.Uniform(d * c, seed + 1, -0.05f, 0.05f), b = Data.Uniform(c, seed + 2, -0.5f, 0.5f);
        for (int j = hot; j < c; j++) b[j] -= 30f;
        int[] y = Data.Labels(n, hot, seed + 3);
        return (x, w, b, y);
    }

    private static (float Loss, float[] DW, float[] DB, float[] DX) Run(KernelPath path, bool classesByInputs, float[] x, float[] w, float[] b,
        int[] y, int d, int c, float filter, int threads = 1)
    {
        int n = y.Length;
        float[] dw = new float[d * c], db = new float[c], dx = new float[n * d];
        var ws = new float[LinearCrossEntropy.WorkspaceLength(n, d, c)];
        float loss = LinearCrossEntropyBlocked.Run(path, x, w, classesByInputs, b, y, default, soft: false, n, d, c, default, default,
            dw, db, dx, ws, default, 0f, threads, filter);
        return (loss, dw, db, dx);
    }

    public static TheoryData<KernelPath, bool> Cases() => new()
    {
        { KernelPath.Scalar, false }, { KernelPath.Avx2, true }, { KernelPath.Avx512, false }, { KernelPath.Avx512, true },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void With_nothing_below_the_cutoff_the_bits_are_unfiltered(KernelPath path, bool classesByInputs)
    {
        Paths.Require(path);
        int c = 1300, d = 24, n = LinearCrossEntropy.BlockRows(c) + 7;
        var (x, w, b, y) = Peaked(n, d, c, hot: c, seed: 5);
        var plain = Run(path, classesByInputs, x, w, b, y, d, c, 0f);
        var filtered = Run(path, classesByInputs, x, w, b, y, d, c, 1e-30f);
        Assert.Equal(plain.Loss, filtered.Loss);
        Assert.Equal(plain.DW, filtered.DW);
        Assert.Equal(plain.DX, filtered.DX);
        Assert.Equal(plain.DB, filtered.DB);
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Dropped_tiles_are_zero_and_the_error_is_within_the_bound(KernelPath path, bool classesByInputs)
    {
        Paths.Require(path);
        int c = 1700, d = 24, hot = 300, n = LinearCrossEntropy.BlockRows(c) * 2 + 5;
        var (x, wdc, b, y) = Peaked(n, d, c, hot, seed: 7);
        float[] w = wdc;
        if (classesByInputs)
        {
            w = new float[wdc.Length];
            for (int k = 0; k < d; k++) for (int j = 0; j < c; j++) w[j * d + k] = wdc[k * c + j];
        }
        const float threshold = 1e-6f;
        var plain = Run(path, classesByInputs, x, w, b, y, d, c, 0f);
        var filtered = Run(path, classesByInputs, x, w, b, y, d, c, threshold);
        Assert.Equal(plain.Loss, filtered.Loss);
        Assert.Equal(plain.DB, filtered.DB);
        // Tiles wholly at or above `hot` rounded up to the tile: every |dS| there is below threshold/N in every block.
        int firstDropped = (hot + Tuning.LinearCeFilterTile - 1) / Tuning.LinearCeFilterTile * Tuning.LinearCeFilterTile;
        double cutoff = threshold / n; // the mean's scale
        for (int k = 0; k < d; k++)
        {
            double sumX = 0, sumW = 0;
            for (int i = 0; i < n; i++) sumX += Math.Abs(x[i * d + k]);
            for (int j = firstDropped; j < c; j++) sumW += Math.Abs(wdc[k * c + j]);
            for (int j = 0; j < c; j++)
            {
                int at = classesByInputs ? j * d + k : k * c + j;
                if (j >= firstDropped) Assert.Equal(0f, filtered.DW[at]);
                // |ΔdW_kj| ≤ cutoff·Σ_i |X_ik|, plus the GEMM's rounding on the kept ones.
                Assert.True(Math.Abs(filtered.DW[at] - plain.DW[at]) <= cutoff * sumX + 1e-6 * Math.Abs(plain.DW[at]) + 1e-9,
                    $"dW[{k},{j}]: {filtered.DW[at]} vs {plain.DW[at]}");
            }
            // |ΔdX_ik| ≤ cutoff·Σ_{j dropped} |W_kj|, plus the rounding of splitting the class sum at the dropped tiles.
            for (int i = 0; i < n; i++)
                Assert.True(Math.Abs(filtered.DX[i * d + k] - plain.DX[i * d + k]) <= cutoff * sumW + 1e-6 * Math.Abs(plain.DX[i * d + k]) + 1e-9,
                    $"dX[{i},{k}]: {filtered.DX[i * d + k]} vs {plain.DX[i * d + k]}");
        }
        Assert.Contains(plain.DW, v => v != 0f && Math.Abs(v) < 1e-6f); // the unfiltered dW has the tiny entries the filter drops
    }

    [SkippableTheory]
    [InlineData(KernelPath.Avx512)]
    [InlineData(KernelPath.Avx2)]
    public void Results_are_bitwise_identical_for_every_thread_count(KernelPath path)
    {
        Paths.Require(path);
        int c = 2100, d = 40, n = LinearCrossEntropy.BlockRows(c) * 2 + 3;
        var (x, w, b, y) = Peaked(n, d, c, hot: 700, seed: 11);
        var one = Run(path, false, x, w, b, y, d, c, 1e-6f);
        foreach (int t in new[] { 2, 3 })
        {
            var other = Run(path, false, x, w, b, y, d, c, 1e-6f, t);
            Assert.Equal(one.DW, other.DW);
            Assert.Equal(one.DX, other.DX);
        }
    }

    /// <summary>
    /// A trained-like output layer with a Zipf prior: bias_j = −2·ln(j + 1), labels drawn from it, small X·W, so the
    /// probability of class j is about (j + 1)⁻²/ζ(2) and the tiles past the first carry only tiny gradients.
    /// </summary>
    private static (float[] X, float[] W, float[] B, int[] Y) Zipf(int n, int d, int c, int seed)
    {
        float[] x = Data.Uniform(n * d, seed), w = Data.Uniform(d * c, seed + 1, -0.02f, 0.02f), b = new float[c];
        var cdf = new double[c];
        double total = 0;
        for (int j = 0; j < c; j++)
        {
            b[j] = (float)(-2 * Math.Log(j + 1));
            total += Math.Pow(j + 1, -2);
            cdf[j] = total;
        }
        var rng = new Random(seed + 2);
        int[] y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int j = Array.BinarySearch(cdf, rng.NextDouble() * total);
            y[i] = Math.Min(c - 1, j < 0 ? ~j : j);
        }
        return (x, w, b, y);
    }

    private static (float Loss, float[] DW, float[] DB, float[] DX) Public(KernelPath path, WeightLayout layout, float[] x, float[] w, float[] b,
        int[] y, int d, int c, LinearCrossEntropyOptions options, int threads = 1)
    {
        int n = y.Length;
        float[] dw = new float[d * c], db = new float[c], dx = new float[n * d];
        var ws = new float[LinearCrossEntropy.WorkspaceLength(n, d, c)];
        float loss = LinearCrossEntropy.LossAndGradient(x, w, layout, b, y, dw, db, dx, ws, n, d, c, options, default, default, path, threads);
        return (loss, dw, db, dx);
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Default_options_are_the_unfiltered_computation_bit_for_bit(KernelPath path)
    {
        Paths.Require(path);
        int c = 1300, d = 24, n = LinearCrossEntropy.BlockRows(c) + 7;
        var (x, w, b, y) = Zipf(n, d, c, seed: 3);
        var internalRun = Run(path, false, x, w, b, y, d, c, 0f);
        var byDefault = Public(path, WeightLayout.InputsByClasses, x, w, b, y, d, c, default);
        var zero = Public(path, WeightLayout.InputsByClasses, x, w, b, y, d, c, new LinearCrossEntropyOptions { GradientFilter = 0f });
        foreach (var r in new[] { byDefault, zero })
        {
            Assert.Equal(internalRun.Loss, r.Loss);
            Assert.Equal(internalRun.DW, r.DW);
            Assert.Equal(internalRun.DB, r.DB);
            Assert.Equal(internalRun.DX, r.DX);
        }
    }

    public static TheoryData<KernelPath, WeightLayout> PublicCases() => new()
    {
        { KernelPath.Scalar, WeightLayout.InputsByClasses }, { KernelPath.Avx2, WeightLayout.ClassesByInputs },
        { KernelPath.Avx512, WeightLayout.InputsByClasses }, { KernelPath.Avx512, WeightLayout.ClassesByInputs },
    };

    [SkippableTheory]
    [MemberData(nameof(PublicCases))]
    public void The_public_filter_on_a_Zipf_prior_stays_within_the_documented_bound(KernelPath path, WeightLayout layout)
    {
        Paths.Require(path);
        int c = 2100, d = 20, n = LinearCrossEntropy.BlockRows(c) * 2 + 9;
        var (x, wdc, b, y) = Zipf(n, d, c, seed: 13);
        bool cByD = layout == WeightLayout.ClassesByInputs;
        float[] w = wdc;
        if (cByD)
        {
            w = new float[wdc.Length];
            for (int k = 0; k < d; k++) for (int j = 0; j < c; j++) w[j * d + k] = wdc[k * c + j];
        }
        const float filter = 1e-5f;
        var plain = Public(path, layout, x, w, b, y, d, c, default);
        var filtered = Public(path, layout, x, w, b, y, d, c, new LinearCrossEntropyOptions { GradientFilter = filter });
        Assert.Equal(plain.Loss, filtered.Loss);
        Assert.Equal(plain.DB, filtered.DB);
        double cutoff = (double)filter / n; // the mean's scale
        var sumX = new double[d];
        var sumW = new double[d]; // Σ_j |W_kj| over every class: a bound for any set of dropped tiles
        for (int k = 0; k < d; k++)
        {
            for (int i = 0; i < n; i++) sumX[k] += Math.Abs(x[i * d + k]);
            for (int j = 0; j < c; j++) sumW[k] += Math.Abs(wdc[k * c + j]);
        }
        int changed = 0;
        for (int k = 0; k < d; k++)
            for (int j = 0; j < c; j++)
            {
                int at = cByD ? j * d + k : k * c + j;
                if (filtered.DW[at] != plain.DW[at]) changed++;
                Assert.True(Math.Abs(filtered.DW[at] - plain.DW[at]) <= cutoff * sumX[k] + 1e-6 * Math.Abs(plain.DW[at]) + 1e-12,
                    $"dW[{k},{j}]: {filtered.DW[at]} vs {plain.DW[at]}");
            }
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++)
                Assert.True(Math.Abs(filtered.DX[i * d + k] - plain.DX[i * d + k]) <= cutoff * sumW[k] + 1e-6 * Math.Abs(plain.DX[i * d + k]) + 1e-12,
                    $"dX[{i},{k}]: {filtered.DX[i * d + k]} vs {plain.DX[i * d + k]}");
        Assert.True(changed > 0, "the filter dropped nothing: the case does not exercise it");
        var two = Public(path, layout, x, w, b, y, d, c, new LinearCrossEntropyOptions { GradientFilter = filter }, threads: 2);
        Assert.Equal(filtered.DW, two.DW);
        Assert.Equal(filtered.DX, two.DX);
    }
}
