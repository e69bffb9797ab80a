using CsCheck;

namespace SimdSoftmax.Tests.Properties;

public sealed record CrossEntropyCase(int Rows, int Classes, Mix Mix, float[] Logits, int[] Labels, int[] Patterns, bool InPlace, int Offset)
{
    public override string ToString() =>
        $"rows={Rows} classes={Classes} inPlace={InPlace} offset={Offset} mix={Mix} labels={Gens.Show(Labels)} logits={Gens.Show(Logits)}";
}

/// <summary>
/// SoftmaxCrossEntropy.Loss and LossAndGradient on every path, against a double-precision reference.
/// Row i: ℓᵢ = log Σⱼ exp(dⱼ) − d_y with dⱼ = sⱼ − max. Loss bound (relative, plus the per-row absolute error of a
/// log-sum-exp): |L̂ − L| ≤ 8u·|L| + meanᵢ((C + 8)·u + 4u·|d_y| + 4·10⁻⁷). Gradient gᵢⱼ = (pᵢⱼ − [j = y])/N:
/// |ĝ − g| ≤ ((C + 8 + |dⱼ|)·u·pᵢⱼ + 4u·|gᵢⱼ|·N)/N + 2⁻¹²⁴ (the flush of probabilities below FLT_MIN, scaled).
/// Special rows as docs/guarantees.md (all −∞ → NaN; true class −∞ with a finite entry → +∞; +∞ or NaN → NaN).
/// </summary>
public class CrossEntropyProperties
{
    private const string Type = "SimdSoftmax.Tests.Properties.CrossEntropyProperties";

    public static Gen<CrossEntropyCase> Cases() =>
        from rows in Gens.Dim(300)
        from classes in Gens.PositiveDim(1100)
        from mix in Gens.MixGen
        from logits in Gens.Value(mix).Array[rows * classes]
        from labels in Gens.Labels(rows, classes)
        from patterns in Gens.RowPatterns(rows, mix)
        from inPlace in Gen.Bool
        from offset in Gens.Offset
        select new CrossEntropyCase(rows, classes, mix, logits, labels, patterns, inPlace, offset);

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Loss(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(Loss)}", path.ToString(), Cases(), c => Check(c, path, gradient: false));
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void LossAndGradient(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(LossAndGradient)}", path.ToString(), Cases(), c => Check(c, path, gradient: true));
    }

    /// <summary>Mean loss, its bound, and the gradient with its per-element bound (NaN rows as NaN).</summary>
    public static (double Loss, double LossBound, double[] Grad, double[] GradBound) Reference(ReadOnlySpan<float> s, int[] labels, int c)
    {
        int n = labels.Length;
        var g = new double[n * c];
        var gb = new double[n * c];
        double total = 0, rowBounds = 0;
        bool huge = false;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = s.Slice(i * c, c);
            double[]? p = SoftmaxProperties.Reference(row, log: false, out double[] d);
            if (p is null)
            {
                total += double.NaN;
                for (int j = 0; j < c; j++) g[i * c + j] = double.NaN;
                continue;
            }
            double sum = 0;
            foreach (double v in d) sum += Math.Exp(v);
            // d is the float difference; the exact one can lie beyond FLT_MAX (s_y ≈ −FLT_MAX, max ≈ FLT_MAX), where a
            // path that subtracts in double gives a finite row loss ≥ FLT_MAX and one that subtracts in float gives +∞.
            if ((double)row[labels[i]] - SoftmaxProperties.RowMaxOf(row) < -float.MaxValue) huge = true;
            total += Math.Log(sum) - d[labels[i]];
            rowBounds += (c + 8) * Expect.U + 4 * Expect.U * Math.Abs(d[labels[i]]) + 4e-7;
            for (int j = 0; j < c; j++)
            {
                double pj = double.IsNegativeInfinity(d[j]) ? 0 : p[j];
                double gj = (pj - (j == labels[i] ? 1 : 0)) / n;
                g[i * c + j] = gj;
                // A −∞ logit has p = 0 exactly; its gradient is 0, or −1/N up to the rounding of (p − 1)·(1/N).
                gb[i * c + j] = double.IsNegativeInfinity(d[j]) ? 4 * Expect.U * Math.Abs(gj)
                    : ((c + 8 + Math.Abs(d[j])) * Expect.U * pj + 4 * Expect.U * Math.Abs(gj) * n) / n + 2 * Expect.Flush;
            }
        }
        double loss = n == 0 ? 0 : total / n;
        double bound = n == 0 ? 0 : 8 * Expect.U * Math.Abs(loss) + rowBounds / n + Expect.Eta;
        // Any loss from FLT_MAX/N up to +∞ is right there: expect the midpoint with a bound that covers the range.
        if (huge && !double.IsNaN(loss)) return (double.MaxValue / 2, double.MaxValue / 2 - float.MaxValue / n * 0.999, g, gb);
        return (loss, bound, g, gb);
    }

    public static void Check(CrossEntropyCase c, KernelPath path, bool gradient)
    {
        float[] s = (float[])c.Logits.Clone();
        Gens.ApplyRowPatterns(s, c.Classes, c.Patterns);
        var (loss, lossBound, grad, gradBound) = Reference(s, c.Labels, c.Classes);
        int length = s.Length;
        if (!gradient)
        {
            float l = SoftmaxCrossEntropy.Loss(s, c.Labels, c.Classes, path);
            Expect.Near($"loss on {path}", 0, l, loss, lossBound);
            float[] shifted = Canary.Shifted(s, c.Offset);
            float again = SoftmaxCrossEntropy.Loss(shifted.AsSpan(c.Offset, length), c.Labels, c.Classes, path);
            Canary.BitwiseEqual([l], [again], $"loss with logits offset by {c.Offset}");
            return;
        }

        float[] buffer = Canary.Buffer(length);
        float loss1;
        if (c.InPlace)
        {
            s.CopyTo(buffer, Canary.Guard);
            Span<float> io = buffer.AsSpan(Canary.Guard, length);
            loss1 = SoftmaxCrossEntropy.LossAndGradient(io, c.Labels, io, c.Classes, path);
        }
        else
        {
            loss1 = SoftmaxCrossEntropy.LossAndGradient(s, c.Labels, buffer.AsSpan(Canary.Guard, length), c.Classes, path);
        }
        Canary.CheckGuards(buffer, length, "dLogits");
        Expect.Near($"loss on {path}", 0, loss1, loss, lossBound);
        ReadOnlySpan<float> g = buffer.AsSpan(Canary.Guard, length);
        for (int i = 0; i < length; i++) Expect.Near($"dLogits on {path}", i, g[i], grad[i], gradBound[i]);

        // Determinism: the other aliasing on logits offset by 1..15 floats gives the same bits, and Loss alone the same loss.
        float[] shiftedS = Canary.Shifted(s, c.Offset);
        Span<float> xs = shiftedS.AsSpan(c.Offset, length);
        float loss2;
        float[] g2;
        if (c.InPlace)
        {
            g2 = new float[length];
            loss2 = SoftmaxCrossEntropy.LossAndGradient(xs, c.Labels, g2, c.Classes, path);
        }
        else
        {
            loss2 = SoftmaxCrossEntropy.LossAndGradient(xs, c.Labels, xs, c.Classes, path);
            g2 = xs.ToArray();
        }
        Canary.BitwiseEqual([loss1], [loss2], $"loss (other aliasing, offset {c.Offset})");
        Canary.BitwiseEqual(g, g2, $"dLogits (other aliasing, offset {c.Offset})");
        float lossOnly = SoftmaxCrossEntropy.Loss(s, c.Labels, c.Classes, path);
        Canary.BitwiseEqual([loss1], [lossOnly], "Loss vs LossAndGradient's loss");
    }
}
