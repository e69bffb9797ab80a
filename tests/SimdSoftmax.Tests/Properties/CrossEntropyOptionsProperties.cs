using CsCheck;

namespace SimdSoftmax.Tests.Properties;

public sealed record CrossEntropyOptionsCase(int Rows, int Classes, float[] Logits, int[] Labels, float[]? Targets, float[]? Weights,
    CrossEntropyOptions Options, bool RowOutputs, bool InPlace)
{
    public override string ToString() =>
        $"rows={Rows} classes={Classes} options={Options} rowOutputs={RowOutputs} inPlace={InPlace} labels={Gens.Show(Labels)} " +
        $"weights={(Weights is null ? "none" : Gens.Show(Weights))} targets={(Targets is null ? "none" : Gens.Show(Targets))} logits={Gens.Show(Logits)}";
}

/// <summary>
/// The options overloads of SoftmaxCrossEntropy (reduction, ignore index, class weights, label smoothing, z-loss, soft
/// targets, per-row losses / log-sum-exp / argmax) on every path, against a double-precision reference written from
/// the formulas in <see cref="CrossEntropyOptions"/>'s documentation (not from the library's scalar path).
/// Bounds: each row term is a sum of at most C + 2 products of a weight, a target and (lse − s_j), so the float result
/// is within (C + 32)·u of the sum of the terms' magnitudes, divided by the reduction's divisor; the gradient entry
/// likewise with the magnitudes of its own terms; lse within (C + 8)·u·max(1, |lse|). Values are finite here: the
/// special values of the options are pinned by the PyTorch golden files. Class weights are 0 or at least 10⁻³: a weight
/// sum whose reciprocal overflows float (below about 3·10⁻³⁹) is outside what the SIMD paths promise (docs/guarantees.md).
/// </summary>
public class CrossEntropyOptionsProperties
{
    private const string Type = "SimdSoftmax.Tests.Properties.CrossEntropyOptionsProperties";

    private static readonly Gen<float> s_logit = Gen.Frequency((4, Gen.Float[-4f, 4f]), (1, Gen.Float[-40f, 40f]),
        (1, Gen.OneOf(Gen.Const(0f), Gen.Const(1f), Gen.Const(-1f))));

    private static readonly Gen<CrossEntropyOptions> s_options =
        from reduction in Gen.OneOf(Gen.Const(CrossEntropyReduction.Mean), Gen.Const(CrossEntropyReduction.Sum), Gen.Const(CrossEntropyReduction.None))
        from ignore in Gen.Frequency((2, Gen.Const((int?)null)), (1, Gen.Const<int?>(-100)), (1, Gen.Int[0, 3].Select(v => (int?)v)))
        from smoothing in Gen.Frequency((2, Gen.Const(0f)), (2, Gen.Float[0f, 1f]), (1, Gen.Const(1f)))
        from zLoss in Gen.Frequency((2, Gen.Const(0f)), (1, Gen.Float[0f, 0.1f]))
        select new CrossEntropyOptions { Reduction = reduction, IgnoreIndex = ignore, LabelSmoothing = smoothing, ZLoss = zLoss };

    public static Gen<CrossEntropyOptionsCase> Cases(bool soft) =>
        from rows in Gens.Dim(200)
        from classes in Gens.PositiveDim(1100)
        from logits in s_logit.Array[rows * classes]
        from options in s_options
        from labels in Gen.Frequency((3, Gens.Labels(rows, classes)), (1, Gen.Const(-100).Array[rows]))
            .Select(Gen.Int[0, 3].Array[rows], (l, r) => MixIgnored(l, r, options.IgnoreIndex))
        from targets in soft ? Gen.Frequency((3, Gen.Float[0f, 1f]), (1, Gen.Const(0f))).Array[rows * classes].Select(t => (float[]?)t)
            : Gen.Const((float[]?)null)
        from weights in Gen.Frequency((2, Gen.Const((float[]?)null)),
            (2, Gen.Frequency((4, Gen.Float[1e-3f, 3f]), (1, Gen.Const(0f))).Array[classes].Select(w => (float[]?)w)))
        from rowOutputs in Gen.Bool
        from inPlace in Gen.Bool
        select new CrossEntropyOptionsCase(rows, classes, logits, labels, targets, weights,
            soft ? options with { IgnoreIndex = null } : options, rowOutputs, inPlace);

    /// <summary>Labels in [0, C), with about a quarter of the rows set to the ignore index when there is one.</summary>
    private static int[] MixIgnored(int[] labels, int[] draw, int? ignore)
    {
        var result = (int[])labels.Clone();
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] == -100 && ignore != -100) result[i] = 0;
            else if (ignore is int ig && draw[i] == 0) result[i] = ig;
        }
        return result;
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Labels(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(Labels)}", path.ToString(), Cases(soft: false), c => Check(c, path));
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void SoftTargets(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(SoftTargets)}", path.ToString(), Cases(soft: true), c => Check(c, path));
    }

    private sealed record Expected(double Loss, double LossBound, double[] Grad, double[] GradBound, double[] RowLoss, double[] RowBound,
        double[] Lse, int[] Argmax);

    private static Expected Reference(CrossEntropyOptionsCase c)
    {
        int n = c.Rows, k = c.Classes;
        double eps = c.Options.LabelSmoothing, lambda = c.Options.ZLoss;
        var o = c.Options;
        double W(int j) => c.Weights is null ? 1.0 : c.Weights[j];
        var rowCe = new double[n];
        var rowZ = new double[n];
        var rowMag = new double[n];
        var zMag = new double[n];
        var lse = new double[n];
        var argmax = new int[n];
        var counted = new bool[n];
        var gCe = new double[n * k];
        var gZ = new double[n * k];
        var gMag = new double[n * k];
        double divisor = 0;
        int countedRows = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> s = c.Logits.AsSpan(i * k, k);
            double max = double.NegativeInfinity;
            for (int j = 0; j < k; j++) if (s[j] > max) { max = s[j]; argmax[i] = j; }
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.Exp(s[j] - max);
            lse[i] = max + Math.Log(sum);
            counted[i] = c.Targets is not null || c.Labels[i] != o.IgnoreIndex;
            if (!counted[i]) continue;
            countedRows++;
            var p = new double[k];
            for (int j = 0; j < k; j++) p[j] = Math.Exp(s[j] - lse[i]);
            // Row i as Σ_j a_j·(lse − s_j) with a_j the effective weighted target, gradient (Σa)·p_j − a_j.
            var a = new double[k];
            if (c.Targets is null)
            {
                int y = c.Labels[i];
                a[y] += (1 - eps) * W(y);
                for (int j = 0; j < k; j++) a[j] += eps / k * W(j);
                divisor += W(y);
            }
            else
            {
                for (int j = 0; j < k; j++) a[j] = W(j) * ((1 - eps) * c.Targets[i * k + j] + eps / k);
                divisor += 1;
            }
            double sa = 0, sAbs = 0;
            for (int j = 0; j < k; j++) sa += a[j];
            for (int j = 0; j < k; j++)
            {
                double term = lse[i] - s[j];
                rowCe[i] += a[j] * term;
                rowMag[i] += a[j] * (Math.Abs(lse[i]) + Math.Abs(s[j]) + 1);
                sAbs += a[j];
            }
            rowZ[i] = lambda * lse[i] * lse[i];
            // lse itself is only within (C + 8)·u·max(1, |lse|) absolutely: near lse = 0, λ·lse² is not relatively exact.
            double lseScale = Math.Max(1, Math.Abs(lse[i]));
            zMag[i] = lambda * (4 * lse[i] * lse[i] + 3 * lseScale * lseScale);
            rowMag[i] += zMag[i];
            // exp(s_j − max) inherits the rounding of its argument, |s_j − max|·u relative, and the label's entry
            // (computed as −Σ_{k≠y} p_k by the SIMD paths) the sum of those errors: D = Σ_k p_k·|s_k − max|.
            double spread = 0;
            for (int j = 0; j < k; j++) spread += p[j] * Math.Abs(s[j] - max);
            for (int j = 0; j < k; j++)
            {
                gCe[i * k + j] = sa * p[j] - a[j];
                gZ[i * k + j] = 2 * lambda * lse[i] * p[j];
                gMag[i * k + j] = sAbs * p[j] * (1 + Math.Abs(s[j] - max)) + sAbs * spread + a[j] + 2 * lambda * lseScale * p[j] * 4;
            }
        }
        double rel = (k + 32) * Expect.U;
        var rowLoss = new double[n];
        var rowBound = new double[n];
        for (int i = 0; i < n; i++) { rowLoss[i] = rowCe[i] + rowZ[i]; rowBound[i] = rel * rowMag[i] + 1e-30; }
        var grad = new double[n * k];
        var gradBound = new double[n * k];
        double loss, lossBound;
        if (o.Reduction == CrossEntropyReduction.Mean)
        {
            double ce = 0, z = 0, mag = 0, zMagSum = 0;
            for (int i = 0; i < n; i++) { ce += rowCe[i]; z += rowZ[i]; mag += rowMag[i] - zMag[i]; zMagSum += zMag[i]; }
            double ceScale = divisor == 0 ? 0 : 1 / divisor, zScale = countedRows == 0 ? 0 : 1.0 / countedRows;
            loss = ce * ceScale + z * zScale;
            lossBound = rel * (mag * ceScale + zMagSum * zScale) + 1e-30;
            for (int t = 0; t < n * k; t++)
            {
                grad[t] = gCe[t] * ceScale + gZ[t] * zScale;
                gradBound[t] = rel * gMag[t] * Math.Max(ceScale, zScale) + 1e-30;
            }
        }
        else
        {
            loss = 0; lossBound = 1e-30;
            for (int i = 0; i < n; i++) { loss += rowLoss[i]; lossBound += rowBound[i]; }
            for (int t = 0; t < n * k; t++) { grad[t] = gCe[t] + gZ[t]; gradBound[t] = rel * gMag[t] + 1e-30; }
        }
        return new Expected(loss, lossBound, grad, gradBound, rowLoss, rowBound, lse, argmax);
    }

    public static void Check(CrossEntropyOptionsCase c, KernelPath path)
    {
        Expected e = Reference(c);
        int n = c.Rows, length = c.Logits.Length;
        bool outputs = c.RowOutputs || c.Options.Reduction == CrossEntropyReduction.None;
        float[] losses = Canary.Buffer(n), lse = Canary.Buffer(n);
        int[] argmax = new int[n + 2];
        argmax.AsSpan().Fill(int.MinValue);
        var rowOutputs = outputs
            ? new CrossEntropyRowOutputs
            {
                Losses = losses.AsSpan(Canary.Guard, n),
                LogSumExp = c.RowOutputs ? lse.AsSpan(Canary.Guard, n) : default,
                Argmax = c.RowOutputs ? argmax.AsSpan(1, n) : default,
            }
            : default;
        ReadOnlyMemory<float> weights = c.Weights;
        float[] grad = Canary.Buffer(length);
        Span<float> g = grad.AsSpan(Canary.Guard, length);
        float[] logits = (float[])c.Logits.Clone();
        Span<float> s = logits;
        if (c.InPlace) { s.CopyTo(g); s = g; }
        float loss = c.Targets is null
            ? SoftmaxCrossEntropy.LossAndGradient(s, c.Labels, g, c.Classes, c.Options with { ClassWeights = weights }, rowOutputs, path)
            : SoftmaxCrossEntropy.LossAndGradient(s, c.Targets, g, c.Classes, c.Options with { ClassWeights = weights }, rowOutputs, path);
        Canary.CheckGuards(grad, length, "dLogits");
        Expect.Near($"loss on {path}", 0, loss, e.Loss, e.LossBound);
        for (int t = 0; t < length; t++) Expect.Near($"dLogits on {path}", t, g[t], e.Grad[t], e.GradBound[t]);
        if (outputs)
        {
            Canary.CheckGuards(losses, n, "row losses");
            for (int i = 0; i < n; i++) Expect.Near($"row loss on {path}", i, losses[Canary.Guard + i], e.RowLoss[i], e.RowBound[i]);
        }
        if (c.RowOutputs)
        {
            Canary.CheckGuards(lse, n, "log-sum-exp");
            if (argmax[0] != int.MinValue || argmax[n + 1] != int.MinValue) throw new InvalidOperationException("argmax wrote outside its span.");
            for (int i = 0; i < n; i++)
            {
                Expect.Near($"lse on {path}", i, lse[Canary.Guard + i], e.Lse[i], (c.Classes + 8) * Expect.U * Math.Max(1, Math.Abs(e.Lse[i])));
                if (argmax[1 + i] != e.Argmax[i])
                    throw new InvalidOperationException($"argmax[{i}] = {argmax[1 + i]} on {path}, reference {e.Argmax[i]}.");
            }
        }

        // The same call (same options and row outputs) without a gradient gives the same loss, bit for bit.
        var again = outputs
            ? new CrossEntropyRowOutputs
            {
                Losses = new float[n],
                LogSumExp = c.RowOutputs ? new float[n] : default,
                Argmax = c.RowOutputs ? new int[n] : default,
            }
            : default;
        float lossOnly = c.Targets is null
            ? SoftmaxCrossEntropy.Loss(c.Logits, c.Labels, c.Classes, c.Options with { ClassWeights = weights }, again, path)
            : SoftmaxCrossEntropy.Loss(c.Logits, c.Targets, c.Classes, c.Options with { ClassWeights = weights }, again, path);
        Canary.BitwiseEqual([loss], [lossOnly], "Loss vs LossAndGradient's loss");
    }
}
