using CsCheck;

namespace SimdSoftmax.Tests.Properties;

public sealed record ClassifierCase(int N, int D, int C, bool Bias, float Reg, Mix Mix, float[] X, float[] W, float[] B, int[] Y, int Offset, int Threads)
{
    public override string ToString() =>
        $"n={N} d={D} c={C} bias={Bias} reg={Reg:R} offset={Offset} threads={Threads} mix={Mix} y={Gens.Show(Y)} X={Gens.Show(X)} W={Gens.Show(W)} b={Gens.Show(B)}";
}

/// <summary>
/// SoftmaxLoss.LossAndGradient on every path × form, with and without bias, against a double-precision reference.
/// Scores S = X·W + b carry δSᵢⱼ ≤ 2(D + 2)·u·(Σ|x||w| + |b|) + (D + 2)·η; a row's probabilities then have relative
/// error ρᵢ ≤ e^{4·maxⱼ δSᵢⱼ} − 1 + (C + 8 + |dᵢⱼ|)·u and dS = (P − onehot)/N has εᵢⱼ = (pᵢⱼ·ρᵢ + 4u·|dSᵢⱼ|·N)/N + 2⁻¹²⁴;
/// dW ≤ 2(N + 4)·u·(Σᵢ|xᵢₖ||dSᵢⱼ| + |reg·w|) + Σᵢ|xᵢₖ|·εᵢⱼ, db ≤ 2(N + 4)·u·Σᵢ|dSᵢⱼ| + Σᵢ εᵢⱼ, and the loss
/// 8u·|L| + meanᵢ(2·maxⱼ δSᵢⱼ + (C + 8)·u + 4u·|d_y| + 4·10⁻⁷). NaN/∞ as IEEE arithmetic on the formulas
/// (docs/guarantees.md); canaries around dW and db; bitwise the same with another thread count and inputs offset.
/// </summary>
public class ClassifierProperties
{
    private const string Type = "SimdSoftmax.Tests.Properties.ClassifierProperties";

    public static TheoryData<KernelPath, ClassifierForm> PathsAndForms => new()
    {
        { KernelPath.Scalar, ClassifierForm.Auto },
        { KernelPath.Avx2, ClassifierForm.Composed }, { KernelPath.Avx2, ClassifierForm.Fused }, { KernelPath.Avx2, ClassifierForm.Auto },
        { KernelPath.Avx512, ClassifierForm.Composed }, { KernelPath.Avx512, ClassifierForm.Fused }, { KernelPath.Avx512, ClassifierForm.Auto },
    };

    public static Gen<float> Reg => Gen.Frequency((3, Gen.Const(0f)), (2, Gen.Const(1e-3f)), (1, Gen.Const(0.5f)), (2, Gen.Float[0f, 2f]));

    public static Gen<ClassifierCase> Cases() =>
        from n in Gens.Dim(400)
        from d in Gens.Dim(200)
        from c0 in Gens.Dim(130)
        let c = n > 0 ? Math.Max(1, c0) : c0
        from bias in Gen.Bool
        from reg in Reg
        from mix in Gens.MixGen
        from x in Gens.ModerateValue(mix).Array[n * d]
        from w in Gens.ModerateValue(mix).Array[d * c]
        from b in Gens.ModerateValue(mix).Array[bias ? c : 0]
        from y in Gens.Labels(n, c)
        from offset in Gens.Offset
        from threads in Gens.Threads
        select new ClassifierCase(n, d, c, bias, reg, mix, x, w, b, y, offset, threads);

    [SkippableTheory]
    [MemberData(nameof(PathsAndForms))]
    public void LossAndGradient(KernelPath path, ClassifierForm form)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(LossAndGradient)}", $"{path}/{form}", Cases(), c => Check(c, path, form));
    }

    private static float Call(ClassifierCase c, KernelPath path, ClassifierForm form, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        float[] dW, float[] db, int threads)
    {
        var workspace = new float[SoftmaxLoss.WorkspaceLength(c.N, c.D, c.C, form)];
        Span<float> dws = dW.AsSpan(Canary.Guard, c.D * c.C);
        return c.Bias
            ? SoftmaxLoss.LossAndGradient(x, w, b, c.Y, dws, db.AsSpan(Canary.Guard, c.C), workspace, c.N, c.D, c.C, new ClassifierOptions { Regularization = c.Reg, Form = form }, path, threads)
            : SoftmaxLoss.LossAndGradient(x, w, c.Y, dws, workspace, c.N, c.D, c.C, new ClassifierOptions { Regularization = c.Reg, Form = form }, path, threads);
    }

    public static void Check(ClassifierCase c, KernelPath path, ClassifierForm form)
    {
        int n = c.N, d = c.D, k = c.C;
        float[] dW = Canary.Buffer(d * k), db = Canary.Buffer(k);
        float loss = Call(c, path, form, c.X, c.W, c.B, dW, db, 1);
        Canary.CheckGuards(dW, d * k, "dW");
        Canary.CheckGuards(db, k, "db");
        if (!c.Bias && !db.All(Canary.Is)) throw new InvalidOperationException("db written without bias.");

        // Scores and their error bounds.
        var s = new double[n * k];
        var ds = new double[n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++)
            {
                double sum = c.Bias ? c.B[j] : 0, mag = c.Bias && float.IsFinite(c.B[j]) ? Math.Abs(c.B[j]) : 0;
                for (int p = 0; p < d; p++)
                {
                    double t = (double)c.X[i * d + p] * c.W[p * k + j];
                    sum += t;
                    if (double.IsFinite(t)) mag += Math.Abs(t);
                }
                s[i * k + j] = sum;
                ds[i] = Math.Max(ds[i], 2 * (d + 2) * Expect.U * mag + (d + 2) * Expect.Eta);
            }

        // Cross-entropy on the double scores.
        var g = new double[n * k];
        var eps = new double[n * k];
        var rowNaN = new bool[n];
        double total = 0, lossSlack = 0;
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < k; j++)
            {
                double v = s[i * k + j];
                if (double.IsNaN(v) || v == double.PositiveInfinity) { rowNaN[i] = true; break; }
                max = Math.Max(max, v);
            }
            if (double.IsNegativeInfinity(max)) rowNaN[i] = true;
            if (rowNaN[i])
            {
                total = double.NaN;
                for (int j = 0; j < k; j++) g[i * k + j] = double.NaN;
                continue;
            }
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.Exp(s[i * k + j] - max);
            double dy = s[i * k + c.Y[i]] - max;
            total += Math.Log(sum) - dy;
            lossSlack += 2 * ds[i] + (k + 8) * Expect.U + 4 * Expect.U * Math.Abs(dy) + 4e-7;
            for (int j = 0; j < k; j++)
            {
                double dj = s[i * k + j] - max;
                double p = Math.Exp(dj) / sum;
                double gij = (p - (j == c.Y[i] ? 1 : 0)) / n;
                double rho = Math.Exp(4 * ds[i]) - 1 + (k + 8 + Math.Abs(dj)) * Expect.U;
                g[i * k + j] = gij;
                eps[i * k + j] = p == 0 ? 2 * Expect.Flush : (p * rho + 4 * Expect.U * Math.Abs(gij) * n) / n + 2 * Expect.Flush;
            }
        }

        double w2 = 0;
        foreach (float v in c.W) w2 += (double)v * v;
        double expectedLoss = (n == 0 ? 0 : total / n) + 0.5 * c.Reg * w2;
        double lossBound = 8 * Expect.U * Math.Abs(expectedLoss) + (n == 0 ? 0 : lossSlack / n) + 4 * Expect.U * 0.5 * c.Reg * w2 + Expect.Eta;
        Expect.Near($"loss on {path}/{form}", 0, loss, expectedLoss, lossBound);

        var infColumn = new bool[d];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < d; p++)
                if (float.IsInfinity(c.X[i * d + p])) infColumn[p] = true;
        double maxX = c.X.Where(float.IsFinite).Select(v => (double)Math.Abs(v)).DefaultIfEmpty(0).Max();
        for (int p = 0; p < d; p++)
            for (int j = 0; j < k; j++)
            {
                double sum = 0, mag = 0, slack = 0;
                for (int i = 0; i < n; i++)
                {
                    double xi = c.X[i * d + p];
                    sum += xi * g[i * k + j];
                    mag += Math.Abs(xi * g[i * k + j]);
                    slack += Math.Abs(xi) * eps[i * k + j];
                }
                double rw = (double)c.Reg * c.W[p * k + j];
                double expected = sum + rw;
                // ∞ in X times a gradient that may be 0 in float (a flushed probability) but not in double: no promise beyond NaN rows.
                if (infColumn[p] && !double.IsNaN(sum)) continue;
                double bound = 2 * (n + 4) * Expect.U * (mag + (double.IsFinite(rw) ? Math.Abs(rw) : 0)) + slack + (n + 4) * Expect.Eta * (1 + maxX);
                Expect.Near($"dW on {path}/{form}", p * k + j, dW[Canary.Guard + p * k + j], expected, bound);
            }
        if (c.Bias)
            for (int j = 0; j < k; j++)
            {
                double sum = 0, mag = 0, slack = 0;
                for (int i = 0; i < n; i++) { sum += g[i * k + j]; mag += Math.Abs(g[i * k + j]); slack += eps[i * k + j]; }
                Expect.Near($"db on {path}/{form}", j, db[Canary.Guard + j], sum, 2 * (n + 4) * Expect.U * mag + slack);
            }

        // Determinism: another thread count with every input offset by 1..15 floats gives the same bits.
        float[] dW2 = Canary.Buffer(d * k), db2 = Canary.Buffer(k);
        float[] xs = Canary.Shifted(c.X, c.Offset), ws = Canary.Shifted(c.W, c.Offset), bs = Canary.Shifted(c.B, c.Offset);
        float loss2 = Call(c, path, form, xs.AsSpan(c.Offset, c.X.Length), ws.AsSpan(c.Offset, c.W.Length), bs.AsSpan(c.Offset, c.B.Length), dW2, db2, c.Threads);
        Canary.BitwiseEqual([loss], [loss2], $"loss with threads={c.Threads}, offset {c.Offset}");
        Canary.BitwiseEqual(dW, dW2, $"dW with threads={c.Threads}, offset {c.Offset}");
        Canary.BitwiseEqual(db, db2, $"db with threads={c.Threads}, offset {c.Offset}");
    }
}
