using System.Runtime.Intrinsics;
namespace SimdSoftmax;

/// <summary>
/// The reference cross-entropy on logits: per row, max, Σexp in double, then loss term and gradient. The exponential
/// is <see cref="ScalarExp.Flushed"/>, so a probability below FLT_MIN is +0 here as on every SIMD path.
/// </summary>
internal static class SoftmaxCrossEntropyScalar
{
    public static float Run(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, Span<float> dLogits, bool gradient)
    {
        int n = labels.Length;
        if (n == 0) return 0f;
        double total = 0;
        double invN = 1.0 / n;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> s = logits.Slice(i * classes, classes);
            total += RowLoss(s, labels[i], gradient ? dLogits.Slice(i * classes, classes) : default, invN);
        }
        return (float)(total * invN);
    }

    /// <summary>
    /// One row: returns <c>log Σ exp(s − max) − (s[y] − max)</c>; when <paramref name="grad"/> is not empty writes
    /// <c>(p − onehot(y))·scale</c> into it (it may be <paramref name="s"/> itself).
    /// </summary>
    public static double RowLoss(ReadOnlySpan<float> s, int label, Span<float> grad, double scale)
    {
        float max = SoftmaxScalar.RowMax(s);
        double sum = 0;
        for (int j = 0; j < s.Length; j++) sum += ScalarExp.Flushed(s[j] - max);
        double loss = Math.Log(sum) - ((double)s[label] - max);
        if (!grad.IsEmpty)
        {
            for (int j = 0; j < s.Length; j++)
            {
                double p = ScalarExp.Flushed(s[j] - max) / sum;
                grad[j] = (float)((p - (j == label ? 1.0 : 0.0)) * scale);
            }
        }
        return loss;
    }

    /// <summary>
    /// The reference of every option (<see cref="CrossEntropyOptions"/> documents the formulas) on validated arguments:
    /// integer <paramref name="labels"/>, or soft <paramref name="targets"/> (N×C) when <paramref name="soft"/>.
    /// Writes the gradient when <paramref name="dLogits"/> is not empty (it may be <paramref name="logits"/>) and the
    /// requested per-row outputs; returns the reduced loss.
    /// </summary>
    public static float RunOptions(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, bool soft,
        int n, int classes, in CrossEntropyOptions options, ReadOnlySpan<float> weights, Span<float> dLogits, CrossEntropyRowOutputs outputs)
    {
        if (n == 0) return 0f;
        var plan = OptionPlan.Create(labels, soft, n, classes, options, weights);
        double ce = 0, z = 0;
        for (int i = 0; i < n; i++)
        {
            var (ceRow, zRow) = plan.Row(logits.Slice(i * classes, classes), soft ? -1 : labels[i],
                soft ? targets.Slice(i * classes, classes) : default,
                dLogits.IsEmpty ? default : dLogits.Slice(i * classes, classes), out float lse, out int argmax);
            ce += ceRow;
            z += zRow;
            if (!outputs.Losses.IsEmpty) outputs.Losses[i] = (float)(ceRow + zRow);
            if (!outputs.LogSumExp.IsEmpty) outputs.LogSumExp[i] = lse;
            if (!outputs.Argmax.IsEmpty) outputs.Argmax[i] = argmax;
        }
        return (float)plan.Reduce(ce, z);
    }
}

/// <summary>
/// What every row of one option call shares: ε, λ, the class weights and their sum, and the gradient scales of the
/// cross-entropy and z-loss terms (1 for sum/none; 1/divisor for the mean, 0 when the divisor is 0).
/// </summary>
internal readonly ref struct OptionPlan
{
    public readonly CrossEntropyReduction Reduction;
    public readonly int? IgnoreIndex;
    public readonly double Epsilon, ZLoss, WeightSum, CeDivisor, ZDivisor, CeScale, ZScale;
    public readonly ReadOnlySpan<float> Weights;
    public readonly int Classes;

    // weightSum: Σ w in class order when the caller has it (NaN: summed here).
    private OptionPlan(in CrossEntropyOptions o, ReadOnlySpan<float> weights, int classes, double ceDivisor, double zDivisor,
        double weightSum = double.NaN)
    {
        Reduction = o.Reduction;
        IgnoreIndex = o.IgnoreIndex;
        Epsilon = o.LabelSmoothing;
        ZLoss = o.ZLoss;
        Weights = weights;
        Classes = classes;
        double ws = 0;
        if (weights.IsEmpty) ws = classes;
        else if (!double.IsNaN(weightSum)) ws = weightSum;
        else foreach (float w in weights) ws += w;
        WeightSum = ws;
        CeDivisor = ceDivisor;
        ZDivisor = zDivisor;
        bool mean = o.Reduction == CrossEntropyReduction.Mean;
        CeScale = !mean ? 1 : ceDivisor == 0 ? 0 : 1 / ceDivisor;
        ZScale = !mean ? 1 : zDivisor == 0 ? 0 : 1 / zDivisor;
    }

    /// <summary>Classes up to which <see cref="Create"/> counts labels with vector compares (one per class per eight labels).</summary>
    private const int VectorCountMaxClasses = 16;

    /// <summary>Classes up to which <see cref="Create"/> counts labels in four stack histograms (16 KB).</summary>
    private const int HistogramMaxClasses = 1023;

    /// <summary>
    /// The plan for a batch: the mean's divisors are Σ w[y_i] (or the count) over counted rows, N for soft targets.
    /// With an ignore index or class weights this is the labels' check too (<see cref="CountsLabels"/>): the counting
    /// pass finds a label outside [0, C) that is not the ignore index, and it throws as
    /// <see cref="SoftmaxCrossEntropy.ValidateLabels"/> does (naming <c>labels</c>), before any row is written.
    /// </summary>
    public static unsafe OptionPlan Create(ReadOnlySpan<int> labels, bool soft, int n, int classes, in CrossEntropyOptions o, ReadOnlySpan<float> weights)
    {
        if (soft || o.IgnoreIndex is null && weights.IsEmpty) return new OptionPlan(o, weights, classes, n, n);
        if (classes <= VectorCountMaxClasses && Vector256.IsHardwareAccelerated && n >= 8)
        {
            // Few classes: eight labels per compare, one count vector per class in sixteen named accumulators, so that
            // they live in registers (exact integer counts: the same divisor as the histogram below, whose
            // load-increment-store per label measured 0.13× the whole kernel's time at C = 10; a stack array of
            // count vectors measured no faster).
            int ignoreV = o.IgnoreIndex.GetValueOrDefault();
            bool ignoreOutside = o.IgnoreIndex.HasValue && (uint)ignoreV >= (uint)classes;
            var ignoreVec = Vector256.Create(ignoreV);
            Vector256<int> nOut = default; // labels equal to an ignore index outside [0, C): the rest of a valid batch
            Vector256<int> n0 = default, n1 = default, n2 = default, n3 = default, n4 = default, n5 = default, n6 = default, n7 = default, n8 = default, n9 = default, n10 = default, n11 = default, n12 = default, n13 = default, n14 = default, n15 = default;
            ref int first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(labels);
            int h = 0;
            for (; h <= n - 8; h += 8)
            {
                var v = Vector256.LoadUnsafe(ref first, (nuint)h);
                n0 -= Vector256.Equals(v, Vector256.Create(0));
                if (classes > 1) n1 -= Vector256.Equals(v, Vector256.Create(1));
                if (classes > 2) n2 -= Vector256.Equals(v, Vector256.Create(2));
                if (classes > 3) n3 -= Vector256.Equals(v, Vector256.Create(3));
                if (classes > 4) n4 -= Vector256.Equals(v, Vector256.Create(4));
                if (classes > 5) n5 -= Vector256.Equals(v, Vector256.Create(5));
                if (classes > 6) n6 -= Vector256.Equals(v, Vector256.Create(6));
                if (classes > 7) n7 -= Vector256.Equals(v, Vector256.Create(7));
                if (classes > 8) n8 -= Vector256.Equals(v, Vector256.Create(8));
                if (classes > 9) n9 -= Vector256.Equals(v, Vector256.Create(9));
                if (classes > 10) n10 -= Vector256.Equals(v, Vector256.Create(10));
                if (classes > 11) n11 -= Vector256.Equals(v, Vector256.Create(11));
                if (classes > 12) n12 -= Vector256.Equals(v, Vector256.Create(12));
                if (classes > 13) n13 -= Vector256.Equals(v, Vector256.Create(13));
                if (classes > 14) n14 -= Vector256.Equals(v, Vector256.Create(14));
                if (classes > 15) n15 -= Vector256.Equals(v, Vector256.Create(15));
                if (ignoreOutside) nOut -= Vector256.Equals(v, ignoreVec);
            }
            Vector256<int>* counts = stackalloc Vector256<int>[VectorCountMaxClasses];
            counts[0] = n0;
            counts[1] = n1;
            counts[2] = n2;
            counts[3] = n3;
            counts[4] = n4;
            counts[5] = n5;
            counts[6] = n6;
            counts[7] = n7;
            counts[8] = n8;
            counts[9] = n9;
            counts[10] = n10;
            counts[11] = n11;
            counts[12] = n12;
            counts[13] = n13;
            counts[14] = n14;
            counts[15] = n15;
            int skipV = o.IgnoreIndex is int iv && (uint)iv < (uint)classes ? iv : -1;
            int countedV = 0, validV = Vector256.Sum(nOut);
            double sumV = 0;
            for (int t = h; t < n; t++) if (ignoreOutside && labels[t] == ignoreV) validV++;
            for (int k = 0; k < classes; k++)
            {
                int kc = Vector256.Sum(counts[k]);
                for (int t = h; t < n; t++) if (labels[t] == k) kc++;
                validV += kc;
                if (k == skipV) continue;
                countedV += kc;
                sumV += weights.IsEmpty ? kc : kc * (double)weights[k];
            }
            if (validV != n) ThrowBadLabel(labels, classes, o.IgnoreIndex);
            return new OptionPlan(o, weights, classes, sumV, countedV);
        }
        if (classes <= HistogramMaxClasses)
        {
            // A pass over every label before any row, so it must cost about a cycle a label (one double chain of
            // w[y_i] took a sixth of the kernel's time at C = 10): a histogram of the labels (an ignored label outside
            // [0, C) lands in the extra slot C), then Σ_k count_k·w_k in double — exact products, summed in class order.
            // Four histograms, one per label of each four, so that equal labels close together do not wait on each other's increment.
            // Slot C holds labels equal to an ignore index outside [0, C), slot C + 1 the bad labels (none in a valid batch).
            int stride = classes + 2;
            int* hist = stackalloc int[4 * stride];
            new Span<int>(hist, 4 * stride).Clear();
            int h = 0;
            uint cu = (uint)classes;
            int ign = o.IgnoreIndex.GetValueOrDefault(); // without an ignore index 0, which never reaches the compare (C ≥ 1)
            for (; h + 4 <= n; h += 4)
            {
                int y0 = labels[h], y1 = labels[h + 1], y2 = labels[h + 2], y3 = labels[h + 3];
                hist[(uint)y0 < cu ? y0 : y0 == ign ? classes : classes + 1]++;
                hist[stride + ((uint)y1 < cu ? y1 : y1 == ign ? classes : classes + 1)]++;
                hist[2 * stride + ((uint)y2 < cu ? y2 : y2 == ign ? classes : classes + 1)]++;
                hist[3 * stride + ((uint)y3 < cu ? y3 : y3 == ign ? classes : classes + 1)]++;
            }
            for (; h < n; h++) hist[(uint)labels[h] < cu ? labels[h] : labels[h] == ign ? classes : classes + 1]++;
            if (hist[classes + 1] + hist[stride + classes + 1] + hist[2 * stride + classes + 1] + hist[3 * stride + classes + 1] != 0)
                ThrowBadLabel(labels, classes, o.IgnoreIndex);
            int skip = o.IgnoreIndex is int ii && (uint)ii < (uint)classes ? ii : -1;
            int counted = 0;
            double sum = 0, ws = 0;
            // Σ w (for the constructor) in the same class loop: two independent chains of double adds, each in class order
            // as before, instead of one after the other (each chain cost about 4% of the plain call at C = 1000 in cache).
            // A class without rows adds +0 to a sum that is never −0: skipped, the same bits.
            for (int k = 0; k < classes; k++)
            {
                if (!weights.IsEmpty) ws += weights[k];
                if (k == skip) continue;
                int kc = hist[k] + hist[stride + k] + hist[2 * stride + k] + hist[3 * stride + k];
                if (kc == 0) continue;
                counted += kc;
                sum += weights.IsEmpty ? kc : kc * (double)weights[k];
            }
            return new OptionPlan(o, weights, classes, sum, counted, ws);
        }
        SoftmaxCrossEntropy.ValidateLabels(labels.Slice(0, n), classes, o.IgnoreIndex, LabelsName); // many classes: the vector check, then the count
        bool hasIgnore = o.IgnoreIndex.HasValue;
        int ignore = o.IgnoreIndex.GetValueOrDefault();
        int count = 0;
        double w0 = 0, w1 = 0, w2 = 0, w3 = 0;
        if (weights.IsEmpty)
        {
            foreach (int y in labels.Slice(0, n))
                if (!hasIgnore || y != ignore) count++;
            return new OptionPlan(o, weights, classes, count, count);
        }
        int i = 0;
        for (; i + 4 <= n; i += 4)
        {
            int y0 = labels[i], y1 = labels[i + 1], y2 = labels[i + 2], y3 = labels[i + 3];
            if (!hasIgnore || y0 != ignore) { w0 += weights[y0]; count++; }
            if (!hasIgnore || y1 != ignore) { w1 += weights[y1]; count++; }
            if (!hasIgnore || y2 != ignore) { w2 += weights[y2]; count++; }
            if (!hasIgnore || y3 != ignore) { w3 += weights[y3]; count++; }
        }
        for (; i < n; i++)
            if (!hasIgnore || labels[i] != ignore) { w0 += weights[labels[i]]; count++; }
        return new OptionPlan(o, weights, classes, (w0 + w1) + (w2 + w3), count);
    }

    /// <summary>The parameter name of the integer labels in every public entry that reaches <see cref="Create"/>.</summary>
    private const string LabelsName = "labels";

    /// <summary>
    /// Whether <see cref="Create"/> checks the labels itself while counting them (integer labels with an ignore index
    /// or class weights), so that the public boundary need not make a second pass over them.
    /// </summary>
    public static bool CountsLabels(bool soft, in CrossEntropyOptions o, ReadOnlySpan<float> weights) =>
        !soft && (o.IgnoreIndex is not null || !weights.IsEmpty);

    /// <summary>Names the first bad label (the counts said there is one).</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowBadLabel(ReadOnlySpan<int> labels, int classes, int? ignoreIndex)
    {
        SoftmaxCrossEntropy.ValidateLabels(labels, classes, ignoreIndex, LabelsName);
        throw new InvalidOperationException("The label counts and the label check disagree.");
    }

    public bool Ignored(int label) => label == IgnoreIndex;

    private double W(int j) => Weights.IsEmpty ? 1.0 : Weights[j];

    /// <summary>The reduced loss from Σ of the rows' cross-entropy terms and Σ of their z-terms.</summary>
    public double Reduce(double ce, double z)
    {
        if (Reduction != CrossEntropyReduction.Mean) return ce + z;
        double loss = CeDivisor == 0 ? 0 : ce / CeDivisor;
        if (ZLoss != 0) loss += ZDivisor == 0 ? 0 : z / ZDivisor;
        return loss;
    }

    /// <summary>
    /// One row: returns its cross-entropy term and z-term (both 0 for an ignored row) and its lse and argmax; writes
    /// ∂L/∂s into <paramref name="grad"/> when it is not empty (it may be <paramref name="s"/>: every read of s_j
    /// precedes the write of g_j). <paramref name="target"/> is the soft-target row, or empty for the integer <paramref name="label"/>.
    /// </summary>
    public (double Ce, double Z) Row(ReadOnlySpan<float> s, int label, ReadOnlySpan<float> target, Span<float> grad,
        out float lse, out int argmax)
    {
        bool soft = !target.IsEmpty;
        float max = SoftmaxScalar.RowMax(s);
        argmax = Argmax(s);
        double sum = 0;
        for (int j = 0; j < s.Length; j++) sum += Exp(s[j], max);
        double logSum = Math.Log(sum);
        double lseD = max + logSum;
        lse = (float)lseD;
        if (!soft && Ignored(label))
        {
            grad.Clear();
            return (0, 0);
        }
        int c = s.Length;
        double eps = Epsilon, uniform = eps / c;
        double ce, coefP; // the gradient is ceScale·(coefP·p_j − own_j) + zScale·2λ·lse·p_j
        if (soft)
        {
            ce = 0;
            coefP = 0;
            for (int j = 0; j < c; j++)
            {
                double tw = W(j) * T(target[j]);
                ce += tw * (logSum - ((double)s[j] - max));
                coefP += tw;
            }
        }
        else
        {
            double wy = W(label);
            ce = (1 - eps) * wy * (logSum - ((double)s[label] - max));
            coefP = (1 - eps) * wy;
            if (eps != 0)
            {
                double smooth = 0;
                for (int j = 0; j < c; j++) smooth += W(j) * (logSum - ((double)s[j] - max));
                ce += uniform * smooth;
                coefP += uniform * WeightSum;
            }
        }
        double zTerm = ZLoss != 0 ? ZLoss * lseD * lseD : 0;
        if (!grad.IsEmpty)
        {
            double a = CeScale, zc = ZLoss != 0 ? ZScale * 2 * ZLoss * lseD : 0;
            for (int j = 0; j < c; j++)
            {
                double p = Exp(s[j], max) / sum;
                double own = soft ? W(j) * T(target[j])
                    : (j == label ? (1 - eps) * W(j) : 0) + (eps != 0 ? uniform * W(j) : 0);
                double g = a == 0 ? 0 : a * (coefP * p - own);
                if (zc != 0) g += zc * p;
                grad[j] = (float)g;
            }
        }
        return (ce, zTerm);
    }

    /// <summary>
    /// exp(s − max) in double, +0 below the SIMD exponential's cutoff (<see cref="ScalarExp.Cutoff"/>) as everywhere.
    /// Double rather than <see cref="ScalarExp.Flushed"/>'s float: with weights, smoothing or soft targets a gradient
    /// entry is a difference of O(1) terms (<c>T·p_j − w_j·t'_j</c>), and a float p would leave only its float error.
    /// </summary>
    private static double Exp(float s, float max)
    {
        double x = (double)s - max;
        return x < ScalarExp.Cutoff ? 0 : Math.Exp(x);
    }

    /// <summary>The smoothed soft target <c>(1−ε)·t + ε/C</c> (t itself when ε = 0).</summary>
    private double T(float t) => Epsilon == 0 ? t : (1 - Epsilon) * t + Epsilon / Classes;

    /// <summary>The first index of the largest value; the first NaN if there is one (as torch.argmax).</summary>
    public static int Argmax(ReadOnlySpan<float> s)
    {
        int best = 0;
        for (int j = 1; j < s.Length; j++)
        {
            if (float.IsNaN(s[best])) break;
            if (s[j] > s[best] || float.IsNaN(s[j])) best = j;
        }
        return best;
    }
}
