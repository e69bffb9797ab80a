using System.Text.Json;

namespace SimdSoftmax.Tests;

/// <summary>
/// <see cref="LinearCrossEntropy"/>'s soft targets (the <c>targets</c> overload of <see cref="LinearCrossEntropy"/>.LossAndGradient) against an independent double reference (the N×C logits in
/// double, PyTorch's soft cross-entropy formula written out), PyTorch's golden values, the labels entry on one-hot
/// targets, at block edges, in both layouts, on every path; bitwise identity across thread counts, no allocation,
/// argument checks.
/// </summary>
public class LinearCrossEntropyTargetsTests
{
    private sealed record Case(int N, int D, int C, float[] X, float[] Wdc, float[]? Bias, float[] Targets);

    /// <summary>Random rows of probabilities (some exact zeros), as golden-torch.py's soft_targets.</summary>
    private static float[] SoftTargets(int n, int c, int seed)
    {
        var rng = new Random(seed);
        var t = new float[n * c];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < c; j++) sum += t[i * c + j] = j % 3 == 0 ? 0f : (float)rng.NextDouble();
            if (sum == 0) t[i * c] = 1f;
            else for (int j = 0; j < c; j++) t[i * c + j] = (float)(t[i * c + j] / sum);
        }
        return t;
    }

    private static Case Make(int n, int d, int c, int seed, bool bias = true) => new(n, d, c,
        Data.Uniform(n * d, seed), Data.Uniform(d * c, seed + 1, -0.5f, 0.5f), bias ? Data.Uniform(c, seed + 2, -0.5f, 0.5f) : null,
        SoftTargets(n, c, seed + 3));

    private static float[] ToLayout(float[] wdc, int d, int c, WeightLayout layout)
    {
        if (layout == WeightLayout.InputsByClasses) return (float[])wdc.Clone();
        var t = new float[wdc.Length];
        for (int k = 0; k < d; k++) for (int j = 0; j < c; j++) t[j * d + k] = wdc[k * c + j];
        return t;
    }

    private static double[] DwInLayout(double[] dwdc, int d, int c, WeightLayout layout)
    {
        if (layout == WeightLayout.InputsByClasses) return dwdc;
        var t = new double[dwdc.Length];
        for (int k = 0; k < d; k++) for (int j = 0; j < c; j++) t[j * d + k] = dwdc[k * c + j];
        return t;
    }

    /// <summary>
    /// S = X·W + b in double; per row t' = (1 − ε)·t + ε/C, ℓ = Σ w_j·t'_j·(lse − s_j) + λ·lse², ∂ℓ/∂s_j =
    /// a·(Σ_k w_k·t'_k·p_j − w_j·t'_j) + b·2λ·lse·p_j (a, b = 1/N for the mean); dX, dW (D×C), db from dS; + reg.
    /// </summary>
    private static (double Loss, double[] Rows, double[] DX, double[] DWdc, double[] DB) Reference(Case k, CrossEntropyOptions o,
        float[]? weights, double reg = 0)
    {
        int n = k.N, d = k.D, c = k.C;
        double W(int j) => weights is null ? 1.0 : weights[j];
        bool mean = o.Reduction == CrossEntropyReduction.Mean;
        double scale = !mean ? 1 : n == 0 ? 0 : 1.0 / n, eps = o.LabelSmoothing, lambda = o.ZLoss;
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
            double max = s.Max(), sum = 0;
            foreach (double v in s) sum += Math.Exp(v - max);
            double lse = max + Math.Log(sum);
            double rowCe = 0, coefP = 0;
            for (int j = 0; j < c; j++)
            {
                double tw = W(j) * ((1 - eps) * k.Targets[i * c + j] + eps / c);
                rowCe += tw * (lse - s[j]);
                coefP += tw;
            }
            double rowZ = lambda * lse * lse;
            rows[i] = rowCe + rowZ;
            ce += rowCe;
            z += rowZ;
            for (int j = 0; j < c; j++)
            {
                double p = Math.Exp(s[j] - lse);
                double own = W(j) * ((1 - eps) * k.Targets[i * c + j] + eps / c);
                ds[i * c + j] = scale * (coefP * p - own) + scale * 2 * lambda * lse * p;
            }
        }
        double loss = (ce + z) * scale;
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
        float loss = LinearCrossEntropy.LossAndGradient(k.X, w, layout, k.Bias, k.Targets, dw, db, dx, ws, k.N, k.D, k.C,
            new LinearCrossEntropyOptions { Regularization = reg }, o with { ClassWeights = weights }, new CrossEntropyRowOutputs { Losses = rows }, path, threads);
        return new Result(loss, dw, db, dx, rows);
    }

    public static TheoryData<KernelPath, WeightLayout, int, int, int, int> Shapes()
    {
        var data = new TheoryData<KernelPath, WeightLayout, int, int, int, int>();
        int r17 = LinearCrossEntropy.BlockRows(17), r300 = LinearCrossEntropy.BlockRows(300);
        var shapes = new (int N, int D, int C)[] { (r17 - 1, 5, 17), (r17 + 1, 5, 17), (r300 + 3, 7, 300), (1, 9, 33), (7, 1, 40), (9, 6, 1), (0, 4, 5) };
        int set = 0;
        foreach (KernelPath p in new[] { KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 })
            foreach (WeightLayout l in new[] { WeightLayout.InputsByClasses, WeightLayout.ClassesByInputs })
                foreach (var (n, d, c) in shapes) data.Add(p, l, n, d, c, set++ % 4);
        return data;
    }

    /// <summary>Option sets: 0 none; 1 class weights + smoothing; 2 sum + z-loss + reg + per-row losses; 3 none-reduction + weights.</summary>
    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public void Matches_the_double_reference(KernelPath path, WeightLayout layout, int n, int d, int c, int set)
    {
        Paths.Require(path);
        var k = Make(n, d, c, seed: n * 31 + d * 7 + c);
        float[]? weights = set is 1 or 3 ? Data.Uniform(c, 55, 0f, 2f) : null;
        var o = set switch
        {
            0 => default,
            1 => new CrossEntropyOptions { LabelSmoothing = 0.1f },
            2 => new CrossEntropyOptions { Reduction = CrossEntropyReduction.Sum, ZLoss = 1e-3f },
            _ => new CrossEntropyOptions { Reduction = CrossEntropyReduction.None },
        };
        float reg = set == 2 ? 0.01f : 0f;
        var (loss, rows, dx, dwdc, db) = Reference(k, o, weights, reg);
        var r = Run(k, layout, o, weights, path, reg: reg, rowLosses: set is 2 or 3);
        Assert.True(Math.Abs(r.Loss - loss) <= 1e-5 * Math.Abs(loss) + 1e-6, $"loss {r.Loss} vs {loss}");
        if (set is 2 or 3) Near(rows, r.Rows, 1e-5, "row losses");
        Near(dx, r.DX, 1e-4, "dX");
        Near(DwInLayout(dwdc, d, c, layout), r.DW, 1e-4, "dW");
        Near(db, r.DB, 1e-4, "db");
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void One_hot_targets_give_the_labels_results(KernelPath path)
    {
        Paths.Require(path);
        int n = 37, d = 11, c = 50;
        var k = Make(n, d, c, seed: 3);
        int[] labels = Data.Labels(n, c, 4);
        var soft = k with { Targets = Golden.OneHot(labels, c) };
        var ws = new float[LinearCrossEntropy.WorkspaceLength(n, d, c)];
        float[] dw1 = new float[d * c], db1 = new float[c], dx1 = new float[n * d], dw2 = new float[d * c], db2 = new float[c], dx2 = new float[n * d];
        var o = new CrossEntropyOptions { LabelSmoothing = 0.05f };
        float l1 = LinearCrossEntropy.LossAndGradient(k.X, k.Wdc, WeightLayout.InputsByClasses, k.Bias, labels, dw1, db1, dx1, ws, n, d, c, default, o, default, path, 1);
        float l2 = LinearCrossEntropy.LossAndGradient(k.X, k.Wdc, WeightLayout.InputsByClasses, k.Bias, soft.Targets, dw2, db2, dx2, ws, n, d, c, default, o, default, path, 1);
        Assert.True(Math.Abs(l1 - l2) <= 1e-5 * Math.Abs(l1), $"loss {l1} vs {l2}");
        Near(Array.ConvertAll(dw1, v => (double)v), dw2, 1e-5, "dW");
        Near(Array.ConvertAll(db1, v => (double)v), db2, 1e-5, "db");
        Near(Array.ConvertAll(dx1, v => (double)v), dx2, 1e-5, "dX");
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Matches_the_PyTorch_golden_values(KernelPath path)
    {
        Paths.Require(path);
        int checkedCases = 0;
        foreach (JsonElement g in Golden.Cases("linear.json"))
        {
            if (!Golden.Has(g, "targets")) continue;
            int n = g.GetProperty("n").GetInt32(), d = g.GetProperty("d").GetInt32(), c = g.GetProperty("c").GetInt32();
            var k = new Case(n, d, c, Golden.Floats(g.GetProperty("x")), Golden.Floats(g.GetProperty("w_dxc")),
                Golden.Has(g, "b") ? Golden.Floats(g.GetProperty("b")) : null, Golden.Floats(g.GetProperty("targets")));
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
                    Golden.Rows(Golden.Doubles(g.GetProperty("dx_" + key)), r.DX, d, 1e-5, what + " dX", 1e-6);
                    string dwKey = layout == WeightLayout.InputsByClasses ? "dw_dxc_" : "dw_cxd_";
                    Golden.Rows(Golden.Doubles(g.GetProperty(dwKey + key)), r.DW, layout == WeightLayout.InputsByClasses ? c : d, 1e-5, what + " dW", 1e-6);
                    if (Golden.Has(g, "db_" + key)) Golden.Rows(Golden.Doubles(g.GetProperty("db_" + key)), r.DB, c, 1e-5, what + " db", 1e-6);
                }
            }
            checkedCases++;
        }
        Assert.True(checkedCases >= 3, $"only {checkedCases} soft-target golden cases");
    }

    [SkippableTheory]
    [InlineData(KernelPath.Avx512, WeightLayout.InputsByClasses)]
    [InlineData(KernelPath.Avx2, WeightLayout.ClassesByInputs)]
    public void Results_are_bitwise_identical_for_every_thread_count(KernelPath path, WeightLayout layout)
    {
        Paths.Require(path);
        int c = 3000;
        var k = Make(LinearCrossEntropy.BlockRows(c) * 2 + 9, 96, c, seed: 9);
        var o = new CrossEntropyOptions { LabelSmoothing = 0.1f };
        var one = Run(k, layout, o, null, path, threads: 1);
        foreach (int t in new[] { 2, 3, 0 })
        {
            var other = Run(k, layout, o, null, path, threads: t);
            Assert.Equal(one.Loss, other.Loss);
            Assert.Equal(one.DW, other.DW);
            Assert.Equal(one.DX, other.DX);
            Assert.Equal(one.DB, other.DB);
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
        var o = new CrossEntropyOptions { Reduction = CrossEntropyReduction.None, LabelSmoothing = 0.1f, ZLoss = 1e-3f };
        Assert.Equal(0, SteadyState.AllocatedBytes(() => LinearCrossEntropy.LossAndGradient(k.X, k.Wdc, WeightLayout.ClassesByInputs, k.Bias, k.Targets,
            dw, db, dx, ws, k.N, k.D, c, new LinearCrossEntropyOptions { Regularization = 0.1f }, o with { ClassWeights = weights }, new CrossEntropyRowOutputs { Losses = rows }, path, 1)));
    }

    [Fact]
    public void Rejects_bad_targets_and_leaves_outputs_untouched()
    {
        int n = 6, d = 4, c = 5;
        var k = Make(n, d, c, seed: 1);
        var dw = Data.Filled(d * c, 7f);
        var db = Data.Filled(c, 7f);
        var dx = Data.Filled(n * d, 7f);
        var ws = new float[LinearCrossEntropy.WorkspaceLength(n, d, c)];
        void Check<TException>(float[] targets, string param) where TException : ArgumentException
        {
            var e = Assert.Throws<TException>(() => LinearCrossEntropy.LossAndGradient(k.X, k.Wdc, WeightLayout.InputsByClasses, k.Bias, targets, dw, db, dx, ws,
                n, d, c, default));
            Assert.Equal(param, e.ParamName);
            Assert.All(dw, v => Assert.Equal(7f, v));
            Assert.All(db, v => Assert.Equal(7f, v));
            Assert.All(dx, v => Assert.Equal(7f, v));
        }
        var nan = (float[])k.Targets.Clone();
        nan[7] = float.NaN;
        Check<ArgumentException>(nan, "targets");
        var inf = (float[])k.Targets.Clone();
        inf[0] = float.PositiveInfinity;
        Check<ArgumentException>(inf, "targets");
        Check<ArgumentException>(k.Targets.AsSpan(0, n * c - 1).ToArray(), "targets");
        Check<ArgumentException>(k.Targets.AsSpan(0, (n - 1) * c).ToArray(), "targets"); // rows are given: the short span is named
        // dX over the targets: an output may not overlap an input.
        var shared = new float[n * c];
        k.Targets.CopyTo(shared, 0);
        var e = Assert.Throws<ArgumentException>(() => LinearCrossEntropy.LossAndGradient(k.X, k.Wdc, WeightLayout.InputsByClasses, k.Bias,
            shared.AsSpan(0, n * c), default, default, shared.AsSpan(0, n * d), ws, n, d, c, default));
        Assert.Equal("dX", e.ParamName); // the output is named, as for the other inputs
    }
}
