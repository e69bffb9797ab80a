using System.Text.Json;

namespace SimdSoftmax.Tests;

/// <summary>
/// <see cref="LinearCrossEntropy"/> against an independent double reference (the whole N×C logits in double, the
/// options' formulas written out), PyTorch's golden values, at every block edge, in both layouts, on every path.
/// </summary>
public class LinearCrossEntropyTests
{
    private sealed record Case(int N, int D, int C, float[] X, float[] Wdc, float[]? Bias, int[] Labels);

    private static Case Make(int n, int d, int c, int seed, bool bias = true) => new(n, d, c,
        Data.Uniform(n * d, seed), Data.Uniform(d * c, seed + 1, -0.5f, 0.5f), bias ? Data.Uniform(c, seed + 2, -0.5f, 0.5f) : null,
        Data.Labels(n, c, seed + 3));

    private static float[] ToLayout(float[] wdc, int d, int c, WeightLayout layout)
    {
        if (layout == WeightLayout.InputsByClasses) return (float[])wdc.Clone();
        var t = new float[wdc.Length];
        for (int k = 0; k < d; k++) for (int j = 0; j < c; j++) t[j * d + k] = wdc[k * c + j];
        return t;
    }

    /// <summary>
    /// The reference: S = X·W + b in double, per-row loss and ∂ℓ/∂s by CrossEntropyOptions' formulas, the mean's
    /// divisors, then dX = dS·Wᵀ, dW = Xᵀ·dS (+ reg·W), db = Σ rows of dS. dW in the D×C layout.
    /// </summary>
    private static (double Loss, double[] Rows, double[] DX, double[] DWdc, double[] DB) Reference(Case k, CrossEntropyOptions o,
        float[]? weights, double reg = 0)
    {
        int n = k.N, d = k.D, c = k.C;
        double W(int j) => weights is null ? 1.0 : weights[j];
        bool Counted(int y) => y != o.IgnoreIndex;
        double ceDiv = 0, zDiv = 0;
        for (int i = 0; i < n; i++) if (Counted(k.Labels[i])) { ceDiv += W(k.Labels[i]); zDiv++; }
        bool mean = o.Reduction == CrossEntropyReduction.Mean;
        double ceScale = !mean ? 1 : ceDiv == 0 ? 0 : 1 / ceDiv, zScale = !mean ? 1 : zDiv == 0 ? 0 : 1 / zDiv;
        double eps = o.LabelSmoothing, lambda = o.ZLoss, wsum = 0;
        for (int j = 0; j < c; j++) wsum += W(j);
        var ds = new double[n * c];
        var rows = new double[n];
        double ce = 0, z = 0;
        for (int i = 0; i < n; i++)
        {
            var s = new double[c];
            for (int j = 0; j < c; j++)
            {
                double acc = k.Bias is null ? 0 : k.Bias[j];
                for (int t = 0; t < d; t++) acc += (double)k.X[i * d + t] * k.Wdc[t * c + j];
                s[j] = acc;
            }
            int y = k.Labels[i];
            if (!Counted(y)) continue;
            double max = s.Max(), sum = 0;
            foreach (double v in s) sum += Math.Exp(v - max);
            double lse = max + Math.Log(sum);
            double rowCe = (1 - eps) * W(y) * (lse - s[y]), coefP = (1 - eps) * W(y);
            if (eps != 0)
            {
                for (int j = 0; j < c; j++) rowCe += eps / c * W(j) * (lse - s[j]);
                coefP += eps / c * wsum;
            }
            double rowZ = lambda * lse * lse;
            rows[i] = rowCe + rowZ;
            ce += rowCe;
            z += rowZ;
            for (int j = 0; j < c; j++)
            {
                double p = Math.Exp(s[j] - lse);
                double own = (j == y ? (1 - eps) * W(j) : 0) + eps / c * W(j);
                ds[i * c + j] = ceScale * (coefP * p - own) + zScale * 2 * lambda * lse * p;
            }
        }
        double loss = mean ? (ceDiv == 0 ? 0 : ce / ceDiv) + (lambda == 0 || zDiv == 0 ? 0 : z / zDiv) : ce + z;
        double sq = 0;
        foreach (float v in k.Wdc) sq += (double)v * v;
        loss += 0.5 * reg * sq;
        var dx = new double[n * d];
        var dw = new double[d * c];
        var db = new double[c];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < c; j++)
            {
                double g = ds[i * c + j];
                db[j] += g;
                for (int t = 0; t < d; t++)
                {
                    dx[i * d + t] += g * k.Wdc[t * c + j];
                    dw[t * c + j] += k.X[i * d + t] * g;
                }
            }
        for (int t = 0; t < d * c; t++) dw[t] += reg * k.Wdc[t];
        return (loss, rows, dx, dw, db);
    }

    private static double[] DwInLayout(double[] dwdc, int d, int c, WeightLayout layout)
    {
        if (layout == WeightLayout.InputsByClasses) return dwdc;
        var t = new double[dwdc.Length];
        for (int k = 0; k < d; k++) for (int j = 0; j < c; j++) t[j * d + k] = dwdc[k * c + j];
        return t;
    }

    /// <summary>Every entry within rtol of the matrix's largest entry (GEMM sums of D or C float products).</summary>
    private static void Near(double[] expected, ReadOnlySpan<float> actual, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        foreach (double e in expected) max = Math.Max(max, Math.Abs(e));
        for (int t = 0; t < expected.Length; t++)
            Assert.True(Math.Abs(actual[t] - expected[t]) <= rtol * (max + Math.Abs(expected[t])) + 1e-30,
                $"{what}[{t}]: expected {expected[t]:R}, got {actual[t]:R} (max {max:R})");
    }

    private sealed record Result(float Loss, float[] DW, float[] DB, float[] DX, float[] Rows);

    private static Result Run(Case k, WeightLayout layout, CrossEntropyOptions o, float[]? weights, KernelPath path, int threads = 1,
        float reg = 0, bool rowLosses = false)
    {
        var w = ToLayout(k.Wdc, k.D, k.C, layout);
        var dw = new float[k.D * k.C];
        var db = new float[k.C];
        var dx = new float[k.N * k.D];
        var rows = new float[rowLosses ? k.N : 0];
        var ws = new float[LinearCrossEntropy.WorkspaceLength(k.N, k.D, k.C)];
        float loss = LinearCrossEntropy.LossAndGradient(k.X, w, layout, k.Bias, k.Labels, dw, db, dx, ws, k.Labels.Length, k.D, k.C, new LinearCrossEntropyOptions { Regularization = reg }, o with { ClassWeights = weights }, new CrossEntropyRowOutputs { Losses = rows }, path, threads);
        return new Result(loss, dw, db, dx, rows);
    }

    public static TheoryData<KernelPath, WeightLayout, int, int, int> Shapes()
    {
        var data = new TheoryData<KernelPath, WeightLayout, int, int, int>();
        int r17 = LinearCrossEntropy.BlockRows(17), rBig = LinearCrossEntropy.BlockRows(70000);
        var shapes = new (int N, int D, int C)[]
        {
            (r17 - 1, 5, 17), (r17, 5, 17), (r17 + 1, 5, 17), (2 * r17 + 3, 3, 17),
            (rBig - 1, 3, 70000), (rBig + 1, 2, 70000),
            (1, 9, 33), (7, 1, 40), (9, 6, 1), (13, 20, 100), (0, 4, 5),
            // Blocks of 32-64 rows and more than 16 features: dX reads W in place (GemmRowBlockStreamedW) when stored D×C.
            (40, 25, 700), (r17 + 33, 24, 17),
        };
        foreach (KernelPath p in new[] { KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 })
            foreach (WeightLayout l in new[] { WeightLayout.InputsByClasses, WeightLayout.ClassesByInputs })
                foreach (var (n, d, c) in shapes) data.Add(p, l, n, d, c);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public void Matches_the_double_reference_at_every_block_edge(KernelPath path, WeightLayout layout, int n, int d, int c)
    {
        Paths.Require(path);
        var k = Make(n, d, c, seed: n * 31 + d * 7 + c);
        var (loss, _, dx, dwdc, db) = Reference(k, default, null);
        var r = Run(k, layout, default, null, path);
        Assert.True(Math.Abs(r.Loss - loss) <= 1e-5 * Math.Abs(loss) + 1e-6, $"loss {r.Loss} vs {loss}");
        Near(dx, r.DX, 1e-4, "dX");
        Near(DwInLayout(dwdc, d, c, layout), r.DW, 1e-4, "dW");
        Near(db, r.DB, 1e-4, "db");
    }

    public static TheoryData<KernelPath, WeightLayout, int> Options() => new()
    {
        { KernelPath.Scalar, WeightLayout.InputsByClasses, 0 }, { KernelPath.Avx2, WeightLayout.ClassesByInputs, 0 },
        { KernelPath.Avx512, WeightLayout.InputsByClasses, 0 }, { KernelPath.Avx512, WeightLayout.ClassesByInputs, 1 },
        { KernelPath.Avx2, WeightLayout.InputsByClasses, 2 }, { KernelPath.Avx512, WeightLayout.ClassesByInputs, 2 },
        { KernelPath.Scalar, WeightLayout.ClassesByInputs, 3 }, { KernelPath.Avx512, WeightLayout.InputsByClasses, 3 },
        { KernelPath.Avx2, WeightLayout.ClassesByInputs, 4 }, { KernelPath.Avx512, WeightLayout.InputsByClasses, 4 },
    };

    /// <summary>Option sets: 0 weights + ignore (SIMD rows, one call per row), 1 ignore only (runs of rows), 2 sum + per-row losses, 3 smoothing + z-loss + reg (scalar rows), 4 none.</summary>
    [SkippableTheory]
    [MemberData(nameof(Options))]
    public void Options_match_the_double_reference(KernelPath path, WeightLayout layout, int set)
    {
        Paths.Require(path);
        int c = 300, n = LinearCrossEntropy.BlockRows(c) + 5;
        var k = Make(n, 7, c, seed: 100 + set);
        for (int i = 0; i < n; i += 4) k.Labels[i] = -100;
        float[]? weights = set is 0 or 3 ? Data.Uniform(c, 55, 0f, 2f) : null;
        var o = set switch
        {
            0 => new CrossEntropyOptions { IgnoreIndex = -100 },
            1 => new CrossEntropyOptions { IgnoreIndex = -100 },
            2 => new CrossEntropyOptions { IgnoreIndex = -100, Reduction = CrossEntropyReduction.Sum },
            3 => new CrossEntropyOptions { IgnoreIndex = -100, LabelSmoothing = 0.1f, ZLoss = 1e-3f },
            _ => new CrossEntropyOptions { IgnoreIndex = -100, Reduction = CrossEntropyReduction.None },
        };
        float reg = set == 3 ? 0.01f : 0f;
        var (loss, rows, dx, dwdc, db) = Reference(k, o, weights, reg);
        var r = Run(k, layout, o, weights, path, reg: reg, rowLosses: set is 2 or 4);
        Assert.True(Math.Abs(r.Loss - loss) <= 1e-5 * Math.Abs(loss) + 1e-6, $"loss {r.Loss} vs {loss}");
        if (set is 2 or 4) Near(rows, r.Rows, 1e-5, "row losses");
        Near(dx, r.DX, 1e-4, "dX");
        Near(DwInLayout(dwdc, k.D, c, layout), r.DW, 1e-4, "dW");
        Near(db, r.DB, 1e-4, "db");
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Matches_the_PyTorch_golden_values(KernelPath path)
    {
        Paths.Require(path);
        int checkedCases = 0;
        foreach (JsonElement g in Golden.Cases("linear.json"))
        {
            if (Golden.Has(g, "targets")) continue; // soft targets: LinearCrossEntropyTargetsTests
            int n = g.GetProperty("n").GetInt32(), d = g.GetProperty("d").GetInt32(), c = g.GetProperty("c").GetInt32();
            var k = new Case(n, d, c, Golden.Floats(g.GetProperty("x")), Golden.Floats(g.GetProperty("w_dxc")),
                Golden.Has(g, "b") ? Golden.Floats(g.GetProperty("b")) : null, Golden.Ints(g.GetProperty("labels")));
            float[]? weights = Golden.Has(g, "weights") ? Golden.Floats(g.GetProperty("weights")) : null;
            float reg = (float)g.GetProperty("reg").GetDouble();
            string name = g.GetProperty("name").GetString()!;
            foreach (var (red, key) in new[] { (CrossEntropyReduction.Mean, "mean"), (CrossEntropyReduction.Sum, "sum"), (CrossEntropyReduction.None, "none") })
            {
                var o = Golden.Options(g, red);
                foreach (WeightLayout layout in new[] { WeightLayout.InputsByClasses, WeightLayout.ClassesByInputs })
                {
                    var r = Run(k, layout, o, weights, path, reg: red == CrossEntropyReduction.None ? 0f : reg, rowLosses: true);
                    string what = $"{name} {key} {layout} {path}";
                    if (red == CrossEntropyReduction.None)
                    {
                        Golden.Rows(Golden.Doubles(g.GetProperty("loss_none")), r.Rows, 1, 1e-5, what + " losses", 1e-6);
                        continue;
                    }
                    Golden.Loss(Golden.Num(g.GetProperty("loss_" + key)), r.Loss, 1e-5, what + " loss", 1e-6);
                    Golden.Rows(Golden.Doubles(g.GetProperty("dx_" + key)), r.DX, d, 1e-5, what + " dX", 1e-7);
                    string dwKey = layout == WeightLayout.InputsByClasses ? "dw_dxc_" : "dw_cxd_";
                    Golden.Rows(Golden.Doubles(g.GetProperty(dwKey + key)), r.DW, layout == WeightLayout.InputsByClasses ? c : d, 1e-5, what + " dW", 1e-7);
                    if (Golden.Has(g, "db_" + key)) Golden.Rows(Golden.Doubles(g.GetProperty("db_" + key)), r.DB, c, 1e-5, what + " db", 1e-7);
                }
            }
            checkedCases++;
        }
        Assert.True(checkedCases >= 6, $"only {checkedCases} golden cases");
    }

    [SkippableTheory]
    [InlineData(KernelPath.Avx512)]
    [InlineData(KernelPath.Avx2)]
    public void Streamed_dX_is_bitwise_identical_for_every_thread_count(KernelPath path)
    {
        Paths.Require(path);
        // A last block of 45 rows over 40 features: dX on GemmRowBlockStreamedW, cut into feature slabs per thread.
        int c = 3000;
        var k = Make(LinearCrossEntropy.BlockRows(c) + 45, 40, c, seed: 11);
        var one = Run(k, WeightLayout.InputsByClasses, default, null, path, threads: 1);
        foreach (int t in new[] { 2, 3, 0 })
        {
            var other = Run(k, WeightLayout.InputsByClasses, default, null, path, threads: t);
            Assert.Equal(one.Loss, other.Loss);
            Assert.Equal(one.DX, other.DX);
            Assert.Equal(one.DW, other.DW);
        }
    }

    [SkippableTheory]
    [InlineData(KernelPath.Avx512, WeightLayout.InputsByClasses)]
    [InlineData(KernelPath.Avx512, WeightLayout.ClassesByInputs)]
    [InlineData(KernelPath.Avx2, WeightLayout.ClassesByInputs)]
    public void Results_are_bitwise_identical_for_every_thread_count(KernelPath path, WeightLayout layout)
    {
        Paths.Require(path);
        int c = 3000;
        var k = Make(LinearCrossEntropy.BlockRows(c) * 2 + 9, 96, c, seed: 9);
        var one = Run(k, layout, default, null, path, threads: 1);
        foreach (int t in new[] { 2, 3, 0 })
        {
            var other = Run(k, layout, default, null, path, threads: t);
            Assert.Equal(one.Loss, other.Loss);
            Assert.Equal(one.DW, other.DW);
            Assert.Equal(one.DX, other.DX);
            Assert.Equal(one.DB, other.DB);
        }
        // Class weights and per-row losses (one kernel call per row), z-loss and the ignore index (the option rows).
        var weights = Data.Uniform(c, 4, 0.5f, 2f);
        foreach (var o in new[] { default, new CrossEntropyOptions { ZLoss = 1e-3f, IgnoreIndex = k.Labels[3] } })
        {
            var first = Run(k, layout, o, weights, path, threads: 1, reg: 0.01f, rowLosses: true);
            foreach (int t in new[] { 2, 3 })
            {
                var other = Run(k, layout, o, weights, path, threads: t, reg: 0.01f, rowLosses: true);
                Assert.Equal(first.Loss, other.Loss);
                Assert.Equal(first.DW, other.DW);
                Assert.Equal(first.DX, other.DX);
                Assert.Equal(first.DB, other.DB);
                Assert.Equal(first.Rows, other.Rows);
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Allocates_nothing_per_call_with_one_thread(KernelPath path)
    {
        Paths.Require(path);
        int c = 500;
        var k = Make(LinearCrossEntropy.BlockRows(c) + 3, 16, c, seed: 4);
        var dw = new float[k.D * c];
        var db = new float[c];
        var dx = new float[k.N * k.D];
        var rows = new float[k.N];
        var weights = Data.Uniform(c, 8, 0f, 1f);
        var ws = new float[LinearCrossEntropy.WorkspaceLength(k.N, k.D, c)];
        var o = new CrossEntropyOptions { IgnoreIndex = -1, Reduction = CrossEntropyReduction.None, LabelSmoothing = 0.1f };
        Assert.Equal(0, SteadyState.AllocatedBytes(() => LinearCrossEntropy.LossAndGradient(k.X, k.Wdc, WeightLayout.InputsByClasses, k.Bias, k.Labels, dw, db, dx, ws, k.Labels.Length, k.D, c, default, default, default, path, 1)));
        Assert.Equal(0, SteadyState.AllocatedBytes(() => LinearCrossEntropy.LossAndGradient(k.X, k.Wdc, WeightLayout.ClassesByInputs, k.Bias, k.Labels, dw, db, dx, ws, k.Labels.Length, k.D, c, new LinearCrossEntropyOptions { Regularization = 0.1f }, o with { ClassWeights = weights }, new CrossEntropyRowOutputs { Losses = rows }, path, 1)));
    }

    [Fact]
    public void Workspace_is_one_block_and_independent_of_N()
    {
        foreach (int c in new[] { 1, 10, 1000, 32000, 128000, 256000 })
        {
            int r = LinearCrossEntropy.BlockRows(c);
            Assert.True(r >= 64 && (long)r * c <= Math.Max(64L * c, 4L * 1024 * 1024), $"C = {c}: R = {r}");
            Assert.Equal(r * c, LinearCrossEntropy.WorkspaceLength(r, 64, c));
            Assert.Equal(r * c, LinearCrossEntropy.WorkspaceLength(100 * r, 64, c));
            Assert.Equal((r - 1) * c, LinearCrossEntropy.WorkspaceLength(r - 1, 64, c));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearCrossEntropy.WorkspaceLength(-1, 2, 3));
        Assert.Equal(int.MaxValue, LinearCrossEntropy.WorkspaceLength(1, 2, int.MaxValue)); // one row of C: cannot overflow
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearCrossEntropy.WorkspaceLength(2, 2, int.MaxValue)); // two rows do
    }

    [Fact]
    public void Rejects_bad_arguments_and_leaves_outputs_untouched()
    {
        int n = 6, d = 4, c = 5;
        var k = Make(n, d, c, seed: 1);
        var dw = Data.Filled(d * c, 7f);
        var db = Data.Filled(c, 7f);
        var dx = Data.Filled(n * d, 7f);
        var ws = Data.Filled(LinearCrossEntropy.WorkspaceLength(n, d, c), 7f);
        var lab = k.Labels;
        void Untouched()
        {
            Assert.All(dw, v => Assert.Equal(7f, v));
            Assert.All(db, v => Assert.Equal(7f, v));
            Assert.All(dx, v => Assert.Equal(7f, v));
            Assert.All(ws, v => Assert.Equal(7f, v));
        }
        float Call(float[] x, float[] w, float[]? b, int[] y, int dd, int cc, CrossEntropyOptions o, float[]? cw, Span<float> dW, Span<float> dB,
            Span<float> dX, Span<float> work, WeightLayout layout = WeightLayout.InputsByClasses, float reg = 0f, int threads = 1, float filter = 0f) =>
            LinearCrossEntropy.LossAndGradient(x, w, layout, b, y, dW, dB, dX, work, y.Length, dd, cc, new LinearCrossEntropyOptions { Regularization = reg, GradientFilter = filter }, o with { ClassWeights = cw }, default, threads: threads);

        Assert.Throws<ArgumentException>("x", () => Call(k.X[..^1], k.Wdc, k.Bias, lab, d, c, default, null, dw, db, dx, ws));
        Assert.Throws<ArgumentException>("w", () => Call(k.X, k.Wdc[..^1], k.Bias, lab, d, c, default, null, dw, db, dx, ws));
        Assert.Throws<ArgumentException>("bias", () => Call(k.X, k.Wdc, new float[c + 1], lab, d, c, default, null, dw, db, dx, ws));
        Assert.Throws<ArgumentException>("dW", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw.AsSpan(1), db, dx, ws));
        Assert.Throws<ArgumentException>("dBias", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw, db.AsSpan(1), dx, ws));
        Assert.Throws<ArgumentException>("dX", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw, db, dx.AsSpan(1), ws));
        Assert.Throws<ArgumentException>("workspace", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw, db, dx, ws.AsSpan(1)));
        Assert.Throws<ArgumentOutOfRangeException>("labels", () => Call(k.X, k.Wdc, k.Bias, [0, 1, 2, 3, 4, 5], d, c, default, null, dw, db, dx, ws));
        Assert.Throws<ArgumentOutOfRangeException>("labels", () => Call(k.X, k.Wdc, k.Bias, [0, 1, 2, 3, 4, -1], d, c,
            new CrossEntropyOptions { IgnoreIndex = -100 }, null, dw, db, dx, ws));
        Assert.Throws<ArgumentOutOfRangeException>("crossEntropy", () => Call(k.X, k.Wdc, k.Bias, lab, d, c,
            new CrossEntropyOptions { LabelSmoothing = 1.5f }, null, dw, db, dx, ws));
        Assert.Throws<ArgumentOutOfRangeException>("crossEntropy.ClassWeights", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default,
            [1, 1, float.NaN, 1, 1], dw, db, dx, ws));
        Assert.Throws<ArgumentException>("crossEntropy.ClassWeights", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, [1, 1], dw, db, dx, ws));
        Assert.Throws<ArgumentOutOfRangeException>("layout", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw, db, dx, ws, (WeightLayout)2));
        Assert.Throws<ArgumentOutOfRangeException>("options", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw, db, dx, ws, reg: -1f));
        Assert.Throws<ArgumentOutOfRangeException>("options", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw, db, dx, ws, reg: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("options", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw, db, dx, ws, filter: -1e-6f));
        Assert.Throws<ArgumentOutOfRangeException>("options", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw, db, dx, ws, filter: float.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>("options", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw, db, dx, ws, filter: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("threads", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw, db, dx, ws, threads: -1));
        Assert.Throws<ArgumentOutOfRangeException>("classes", () => Call(k.X, [], null, lab, d, 0, default, null, [], [], dx, []));
        Assert.Throws<ArgumentException>("rowOutputs", () => Call(k.X, k.Wdc, k.Bias, lab, d, c,
            new CrossEntropyOptions { Reduction = CrossEntropyReduction.None }, null, dw, db, dx, ws));
        // Overlaps: an output on an input, two outputs on each other, the workspace on an output.
        var big = new float[n * d + d * c];
        Assert.Throws<ArgumentException>("dX", () => LinearCrossEntropy.LossAndGradient(big.AsSpan(0, n * d), k.Wdc, WeightLayout.InputsByClasses, k.Bias, lab, dw, db, big.AsSpan(0, n * d), ws, lab.Length, d, c, default));
        var shared = Data.Filled(d * c + c, 7f);
        Assert.Throws<ArgumentException>("dBias", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, shared.AsSpan(0, d * c), shared.AsSpan(d * c - 1, c), dx, ws));
        Assert.All(shared, v => Assert.Equal(7f, v));
        Assert.Throws<ArgumentException>("workspace", () => Call(k.X, k.Wdc, k.Bias, lab, d, c, default, null, dw, db, dx, dx.AsSpan()));
        Untouched();
    }

    [Fact]
    public void Without_rows_the_gradients_are_zero_and_the_loss_is_the_regularization()
    {
        var w = Data.Uniform(12, 3);
        var dw = Data.Filled(12, 5f);
        var db = Data.Filled(4, 5f);
        float loss = LinearCrossEntropy.LossAndGradient([], w, WeightLayout.ClassesByInputs, default, ReadOnlySpan<int>.Empty, dw, db, [], [], 0, 3, 4, new LinearCrossEntropyOptions { Regularization = 2f });
        double sq = w.Sum(v => (double)v * v);
        Assert.Equal((float)sq, loss, 5);
        for (int t = 0; t < 12; t++) Assert.Equal(2f * w[t], dw[t]);
        Assert.All(db, v => Assert.Equal(0f, v));
    }

    /// <summary>
    /// The family's IEEE rule (docs/guarantees.md): dW = Xᵀ·dS + reg·W even when reg = 0, so a W entry of ±∞ gives NaN
    /// in its dW entry (0·∞) and in the loss (½·0·∞), as SoftmaxLoss does on every form.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Regularization_zero_keeps_zero_times_W(KernelPath path)
    {
        Paths.Require(path);
        float[] x = [1f], w = [float.NegativeInfinity, 0f], dw = new float[2], ws = new float[LinearCrossEntropy.WorkspaceLength(1, 1, 2)];
        float loss = LinearCrossEntropy.LossAndGradient(x, w, WeightLayout.InputsByClasses, default, [1], dw, default, default, ws, 1, 1, 2, default, default, default, path, 1);
        Assert.True(float.IsNaN(dw[0]), $"dW[0] = {dw[0]}");
        Assert.Equal(0f, dw[1]);
        Assert.True(float.IsNaN(loss), $"loss = {loss}");
    }
}
