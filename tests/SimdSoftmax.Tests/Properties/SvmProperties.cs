using CsCheck;

namespace SimdSoftmax.Tests.Properties;

public sealed record SvmScoresCase(int Rows, int Classes, float[] Scores, int[] Labels)
{
    public override string ToString() => $"rows={Rows} classes={Classes} y={Gens.Show(Labels)} s={Gens.Show(Scores)}";
}

/// <summary>
/// The multiclass SVM against a double-precision reference, on every path: <see cref="MulticlassSvm"/> on scores and
/// <see cref="SvmLoss"/> (every form, with and without bias) on the linear classifier. Finite inputs only (the special
/// values are SvmTests' worked cases).
/// <para>On scores, a margin mⱼ = (sⱼ − s_y) + 1 computed in float is within 2u·(|sⱼ| + |s_y| + 1) of the exact one, so a
/// margin that close to 0 may count either way: there dS may be 0 or 1/N, elsewhere it must be what the exact margin
/// says; dS at the label must be −(number of 1/N entries in the row)/N, and the loss within the rounding of its terms and
/// of their sums.</para>
/// <para>On the classifier the inputs are multiples of 1/4 (X) and 1/8 (W, b), so every score is exact in float whatever
/// the summation order: every path must take the same hinge decisions as the reference, and dW, db, loss are then dot
/// products of ±k/N with X, bounded as GEMM is.</para>
/// </summary>
public class SvmProperties
{
    private const string Type = "SimdSoftmax.Tests.Properties.SvmProperties";

    public static TheoryData<KernelPath> AllPaths => new() { KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 };

    public static TheoryData<KernelPath, ClassifierForm> PathsAndForms => new()
    {
        { KernelPath.Scalar, ClassifierForm.Auto },
        { KernelPath.Avx2, ClassifierForm.Composed }, { KernelPath.Avx2, ClassifierForm.Fused }, { KernelPath.Avx2, ClassifierForm.Auto },
        { KernelPath.Avx512, ClassifierForm.Composed }, { KernelPath.Avx512, ClassifierForm.Fused }, { KernelPath.Avx512, ClassifierForm.Auto },
    };

    // Margins of exactly 0 are the hinge's kink: s_j = s_y − 1 happens often with small integers.
    private static readonly Gen<float> s_score = Gen.Frequency(
        (4, Gen.Float[-4f, 4f]), (2, Gen.Int[-3, 3].Select(v => (float)v)), (1, Gen.Float[-3000f, 3000f]));

    public static Gen<SvmScoresCase> ScoreCases() =>
        from rows in Gens.Dim(300)
        from c0 in Gens.Dim(130)
        let classes = rows > 0 ? Math.Max(1, c0) : c0
        from scores in s_score.Array[rows * classes]
        from labels in Gens.Labels(rows, classes)
        select new SvmScoresCase(rows, classes, scores, labels);

    [SkippableTheory]
    [MemberData(nameof(AllPaths))]
    public void MulticlassSvmOnScores(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(MulticlassSvmOnScores)}", $"{path}", ScoreCases(), c => CheckScores(c, path));
    }

    public static void CheckScores(SvmScoresCase c, KernelPath path)
    {
        int n = c.Rows, k = c.Classes;
        float[] g = Canary.Buffer(n * k);
        float loss = MulticlassSvm.LossAndGradient(c.Scores, c.Labels, g.AsSpan(Canary.Guard, n * k), k, path);
        Canary.CheckGuards(g, n * k, "dScores");
        float lossOnly = MulticlassSvm.Loss(c.Scores, c.Labels, k, path);
        Canary.BitwiseEqual([loss], [lossOnly], "Loss against LossAndGradient");

        float scale = n == 0 ? 0 : (float)(1.0 / n);
        double total = 0, slack = 0;
        for (int i = 0; i < n; i++)
        {
            int y = c.Labels[i];
            double sy = c.Scores[i * k + y];
            int counted = 0;
            for (int j = 0; j < k; j++)
            {
                if (j == y) continue;
                double sj = c.Scores[i * k + j], m = sj - sy + 1, err = 2 * Expect.U * (Math.Abs(sj) + Math.Abs(sy) + 1);
                float got = g[Canary.Guard + i * k + j];
                bool ambiguous = Math.Abs(m) <= err;
                if (m > 0) total += m;
                if (m > -err) slack += err;
                if (got == scale && scale != 0) counted++;
                if (ambiguous)
                {
                    if (got != 0 && got != scale)
                        throw new InvalidOperationException($"dScores[{i * k + j}] = {got:R} at a margin {m:R} ≈ 0: must be 0 or 1/N on {path}.");
                }
                else Expect.Near($"dScores on {path}", i * k + j, got, m > 0 ? scale : 0, 0);
            }
            // The label's entry is minus the sum of the row's other entries: −(count)·(1/N) rounded once.
            double label = -(double)counted * scale;
            Expect.Near($"dScores at the label on {path}", i * k + y, g[Canary.Guard + i * k + y], label, Expect.U * Math.Abs(label));
        }
        double expected = n == 0 ? 0 : total / n;
        // Each lane sums at most 64 rows of ⌈C/8⌉ steps before going to double.
        double bound = (n == 0 ? 0 : (slack + 2 * (64.0 * (k + 8) + 16) * Expect.U * total) / n) + 2 * Expect.U * Math.Abs(expected) + Expect.Eta;
        Expect.Near($"loss on {path}", 0, loss, expected, bound);
    }

    public static Gen<ClassifierCase> ClassifierCases() =>
        from n in Gens.Dim(300)
        from d in Gens.Dim(150)
        from c0 in Gens.Dim(100)
        let c = n > 0 ? Math.Max(1, c0) : c0
        from bias in Gen.Bool
        from reg in ClassifierProperties.Reg
        from x in Gen.Int[-4, 4].Select(v => v / 4f).Array[n * d]
        from w in Gen.Int[-4, 4].Select(v => v / 8f).Array[d * c]
        from b in Gen.Int[-8, 8].Select(v => v / 8f).Array[bias ? c : 0]
        from y in Gens.Labels(n, c)
        from offset in Gens.Offset
        from threads in Gens.Threads
        select new ClassifierCase(n, d, c, bias, reg, Mix.Ties, x, w, b, y, offset, threads);

    [SkippableTheory]
    [MemberData(nameof(PathsAndForms))]
    public void SvmLossOnTheClassifier(KernelPath path, ClassifierForm form)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(SvmLossOnTheClassifier)}", $"{path}/{form}", ClassifierCases(), c => CheckClassifier(c, path, form));
    }

    private static float Call(ClassifierCase c, KernelPath path, ClassifierForm form, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        float[] dW, float[] db, int threads)
    {
        var workspace = new float[SvmLoss.WorkspaceLength(c.N, c.D, c.C, form)];
        Span<float> dws = dW.AsSpan(Canary.Guard, c.D * c.C);
        return c.Bias
            ? SvmLoss.LossAndGradient(x, w, b, c.Y, dws, db.AsSpan(Canary.Guard, c.C), workspace, c.N, c.D, c.C, new ClassifierOptions { Regularization = c.Reg, Form = form }, path, threads)
            : SvmLoss.LossAndGradient(x, w, c.Y, dws, workspace, c.N, c.D, c.C, new ClassifierOptions { Regularization = c.Reg, Form = form }, path, threads);
    }

    public static void CheckClassifier(ClassifierCase c, KernelPath path, ClassifierForm form)
    {
        int n = c.N, d = c.D, k = c.C;
        float[] dW = Canary.Buffer(d * k), db = Canary.Buffer(k);
        float loss = Call(c, path, form, c.X, c.W, c.B, dW, db, 1);
        Canary.CheckGuards(dW, d * k, "dW");
        Canary.CheckGuards(db, k, "db");
        if (!c.Bias && !db.All(Canary.Is)) throw new InvalidOperationException("db written without bias.");

        // Exact scores and hinge decisions; dS in the float values the kernels use (1/N rounded, −count·(1/N) rounded).
        float scale = n == 0 ? 0 : (float)(1.0 / n);
        var g = new double[n * k];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var s = new double[k];
            for (int j = 0; j < k; j++)
            {
                double sum = c.Bias ? c.B[j] : 0;
                for (int p = 0; p < d; p++) sum += (double)c.X[i * d + p] * c.W[p * k + j];
                s[j] = sum;
            }
            int y = c.Y[i], count = 0;
            for (int j = 0; j < k; j++)
            {
                double m = s[j] - s[y] + 1;
                if (j == y || m <= 0) continue;
                total += m;
                g[i * k + j] = scale;
                count++;
            }
            g[i * k + y] = (float)(-(count * scale));
        }

        double w2 = 0;
        foreach (float v in c.W) w2 += (double)v * v;
        double hinge = n == 0 ? 0 : total / n;
        double expectedLoss = hinge + 0.5 * c.Reg * w2;
        double lossBound = 2 * (64.0 * (k + 8) + n + 16) * Expect.U * hinge + 8 * Expect.U * Math.Abs(expectedLoss) + 4 * Expect.U * 0.5 * c.Reg * w2 + Expect.Eta;
        Expect.Near($"loss on {path}/{form}", 0, loss, expectedLoss, lossBound);

        for (int p = 0; p < d; p++)
            for (int j = 0; j < k; j++)
            {
                double sum = 0, mag = 0;
                for (int i = 0; i < n; i++)
                {
                    double t = c.X[i * d + p] * g[i * k + j];
                    sum += t;
                    mag += Math.Abs(t);
                }
                double rw = (double)c.Reg * c.W[p * k + j];
                double bound = 2 * (n + 4) * Expect.U * (mag + Math.Abs(rw)) + Expect.Eta;
                Expect.Near($"dW on {path}/{form}", p * k + j, dW[Canary.Guard + p * k + j], sum + rw, bound);
            }
        if (c.Bias)
            for (int j = 0; j < k; j++)
            {
                double sum = 0, mag = 0;
                for (int i = 0; i < n; i++) { sum += g[i * k + j]; mag += Math.Abs(g[i * k + j]); }
                Expect.Near($"db on {path}/{form}", j, db[Canary.Guard + j], sum, 2 * (n + 4) * Expect.U * mag + Expect.Eta);
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
