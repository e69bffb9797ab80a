using System.Numerics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>What an ISA adds to <see cref="IVectorOps{V}"/> for <see cref="CrossEntropyOptionsRow{T, V}"/>.</summary>
internal interface ICrossEntropyOptionsIsa<V> where V : struct
{
    /// <summary>Bit k set where lane k of a equals lane k of b (ordered compare: NaN equals nothing).</summary>
    static abstract uint EqualBits(V a, V b);
}

/// <summary>
/// What every row of one option call shares (see <see cref="OptionPlan"/>), as plain values a kernel can hold:
/// ε, ε/C, λ, Σ w, the gradient scales, the ignore index and the class weights (null: every weight 1).
/// </summary>
internal unsafe readonly struct OptionRowConstants
{
    public readonly double Epsilon, Uniform, ZLoss, WeightSum, CeScale, ZScale;
    public readonly bool HasIgnore;
    public readonly int IgnoreIndex;
    public readonly float* Weights;

    public OptionRowConstants(in OptionPlan plan, float* weights)
    {
        Epsilon = plan.Epsilon;
        Uniform = plan.Epsilon / plan.Classes;
        ZLoss = plan.ZLoss;
        WeightSum = plan.WeightSum;
        CeScale = plan.CeScale;
        ZScale = plan.ZScale;
        HasIgnore = plan.IgnoreIndex.HasValue;
        IgnoreIndex = plan.IgnoreIndex.GetValueOrDefault();
        Weights = weights;
    }
}

/// <summary>
/// Cross-entropy with every option on one row of logits, written once over the ISA's vector operations: label
/// smoothing (Σ w_j·(s_j − max) in the exp pass), z-loss (λ·lse², gradient 2λ·lse·p), soft targets (Σ w_j·t'_j and
/// Σ w_j·t'_j·(s_j − max) in the same pass), class weights, and the row's lse and argmax (first index equal to the max,
/// found in the exp pass; a row with a NaN — whose Σe is NaN — takes <see cref="OptionPlan.Argmax"/>, which returns
/// the first NaN as torch.argmax). Formulas: <see cref="CrossEntropyOptions"/>. Three passes over the row as
/// <see cref="CrossEntropyLongRow{T, V}"/>: max; e = exp(s − max) into g with the sums; g = K·e − a·own.
/// Tails are masked: nothing outside the row is touched. g may be s (each s_j is read before g_j is written).
/// </summary>
internal static unsafe class CrossEntropyOptionsRow<T, V> where T : struct, IVectorOps<V>, ICrossEntropyOptionsIsa<V> where V : struct
{
    /// <summary>
    /// Every row: Σ of the cross-entropy terms (returned) and of the z-terms (<paramref name="zTotal"/>); per-row outputs
    /// into the non-null pointers. <paramref name="y"/> null = soft targets <paramref name="t"/> (N×C).
    /// </summary>
    public static double Run(float* s, int* y, float* t, int n, int c, float* g, float* losses, float* lse, int* argmax,
        in OptionRowConstants k, out double zTotal)
    {
        double ce = 0, z = 0;
        for (int i = 0; i < n; i++)
        {
            nint o = (nint)i * c;
            int label = y == null ? -1 : y[i];
            bool ignored = y != null && k.HasIgnore && label == k.IgnoreIndex;
            double rowZ = 0, rowCe = 0;
            if (ignored)
            {
                // lse/argmax before the clear: g may be s.
                if (lse != null || argmax != null) Row(s + o, -1, null, c, null, k, lse == null ? null : lse + i, argmax == null ? null : argmax + i, false, out _);
                if (g != null) new Span<float>(g + o, c).Clear();
            }
            else
            {
                rowCe = Row(s + o, label, t == null ? null : t + o, c, g == null ? null : g + o, k,
                    lse == null ? null : lse + i, argmax == null ? null : argmax + i, true, out rowZ);
            }
            if (losses != null) losses[i] = (float)(rowCe + rowZ);
            ce += rowCe;
            z += rowZ;
        }
        zTotal = z;
        return ce;
    }

    /// <summary>
    /// One row: returns its cross-entropy term, its z-term in <paramref name="z"/>; writes its lse and argmax where the
    /// pointers are not null and its gradient into <paramref name="g"/> when not null. <paramref name="label"/> −1 with
    /// <paramref name="t"/> null and <paramref name="loss"/> false: only lse/argmax (an ignored row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Row(float* s, int label, float* t, int c, float* g, in OptionRowConstants k, float* lseOut, int* argmaxOut,
        bool loss, out double z)
    {
        int w = T.Width;
        bool soft = t != null;
        bool smooth = loss && !soft && k.Epsilon != 0;
        float* wt = k.Weights;
        float sy = loss && !soft ? s[label] : 0f;

        V negInf = T.Create(float.NegativeInfinity);
        V m0 = negInf, m1 = negInf;
        int j = 0;
        for (; j <= c - 2 * w; j += 2 * w)
        {
            m0 = T.Max(m0, T.Load(s + j));
            m1 = T.Max(m1, T.Load(s + j + w));
        }
        for (; j <= c - w; j += w) m0 = T.Max(m0, T.Load(s + j));
        int tail = c - j;
        V mask = tail > 0 ? T.TailMask(tail) : T.Zero;
        if (tail > 0) m0 = T.Max(m0, T.MaskLoad(s + j, mask, negInf));
        float max = T.MaxAcross(T.Max(m0, m1));
        V vmax = T.Create(max);

        // The exp pass: e into g (or nowhere), Σe, Σ_{j≠y} e, and the option sums.
        V labelLanes = T.LabelLanes(label);
        V sum = T.Zero, others = T.Zero, accWX = T.Zero, accT = T.Zero, accTX = T.Zero;
        V oneMinusEps = T.Create((float)(1 - k.Epsilon)), uniform = T.Create((float)k.Uniform);
        int found = -1;
        for (j = 0; j < c; j += w)
        {
            bool last = j > c - w;
            V x = last ? T.MaskLoad(s + j, mask, negInf) : T.Load(s + j);
            if (argmaxOut != null && found < 0)
            {
                uint bits = T.EqualBits(x, vmax);
                if (bits != 0) found = j + BitOperations.TrailingZeroCount(bits);
            }
            x = T.Subtract(x, vmax);
            V e = T.Exp(x);
            if (last)
            {
                e = T.And(e, mask);
                x = T.And(x, mask);
            }
            if (g != null)
            {
                if (last) T.MaskStore(g + j, mask, e);
                else T.Store(e, g + j);
            }
            sum = T.Add(sum, e);
            if (!loss) continue;
            if (!soft) others = T.Add(others, T.AndNot(e, T.LanesEqual(labelLanes, j)));
            if (smooth)
            {
                V wx = wt == null ? x : T.Multiply(Weights(wt + j, last, mask), x);
                accWX = T.Add(accWX, wx);
            }
            else if (soft)
            {
                V tv = last ? T.MaskLoad(t + j, mask) : T.Load(t + j);
                if (k.Epsilon != 0) tv = T.Add(T.Multiply(oneMinusEps, tv), uniform);
                if (wt != null) tv = T.Multiply(Weights(wt + j, last, mask), tv);
                if (last) tv = T.And(tv, mask);
                accT = T.Add(accT, tv);
                accTX = T.Add(accTX, T.Multiply(tv, x));
            }
        }
        float sumF = T.Sum(sum);
        double logSum = Math.Log(sumF);
        double lseD = max + logSum;
        if (lseOut != null) *lseOut = (float)lseD;
        if (argmaxOut != null) *argmaxOut = found >= 0 && !float.IsNaN(sumF) ? found : OptionPlan.Argmax(new ReadOnlySpan<float>(s, c));
        z = 0;
        if (!loss) return 0;

        double ce, coefP;
        double a = k.CeScale;
        if (soft)
        {
            coefP = T.Sum(accT);
            ce = coefP * logSum - T.Sum(accTX);
        }
        else
        {
            double wy = wt == null ? 1.0 : wt[label];
            ce = (1 - k.Epsilon) * wy * (logSum - ((double)sy - max));
            coefP = (1 - k.Epsilon) * wy;
            if (smooth)
            {
                double weightSum = k.WeightSum;
                ce += k.Uniform * (weightSum * logSum - T.Sum(accWX));
                coefP += k.Uniform * weightSum;
            }
        }
        if (k.ZLoss != 0) z = k.ZLoss * lseD * lseD;
        if (g != null)
        {
            double zc = k.ZLoss != 0 ? k.ZScale * 2 * k.ZLoss * lseD : 0;
            double inv = 1.0 / sumF;
            // g_j = a·(coefP/Σe·e_j − own_j) + zc/Σe·e_j: the difference before the scale, so that a row whose
            // entries cancel (p_j = own_j/coefP) keeps float precision relative to its own terms.
            V kc = T.Create((float)(coefP * inv)), va = T.Create((float)a), kz = T.Create((float)(zc * inv));
            bool hasZ = zc != 0;
            if (soft)
            {
                for (j = 0; j < c; j += w)
                {
                    bool last = j > c - w;
                    V tv = last ? T.MaskLoad(t + j, mask) : T.Load(t + j);
                    if (k.Epsilon != 0) tv = T.Add(T.Multiply(oneMinusEps, tv), uniform);
                    if (wt != null) tv = T.Multiply(Weights(wt + j, last, mask), tv);
                    Update(g + j, last, mask, kc, tv, va, kz, hasZ);
                }
            }
            else
            {
                float ey = g[label];
                V vu = T.Create(smooth ? (float)k.Uniform : 0f); // own_j off the label: the smoothing part of the target, ε/C·w_j
                for (j = 0; j < c; j += w)
                {
                    bool last = j > c - w;
                    V own = wt == null || !smooth ? vu : T.Multiply(vu, Weights(wt + j, last, mask));
                    Update(g + j, last, mask, kc, own, va, kz, hasZ);
                }
                // The label's entry without the cancellation of p_y − 1: −Σ_{j≠y} e / Σe.
                double wy = wt == null ? 1.0 : wt[label];
                float sumOthers = T.Sum(others);
                double pY = ey * inv;
                double gy = -a * (1 - k.Epsilon) * wy * sumOthers * inv + zc * pY;
                if (smooth) gy += a * k.Uniform * (k.WeightSum * pY - wy);
                g[label] = (float)gy;
            }
        }
        return ce;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Weights(float* p, bool last, V mask) => last ? T.MaskLoad(p, mask) : T.Load(p);

    /// <summary>g = a·(kc·g − own) + kz·g on one vector (masked on the tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* g, bool last, V mask, V kc, V own, V a, V kz, bool hasZ)
    {
        V e = last ? T.MaskLoad(g, mask) : T.Load(g);
        V r = T.Multiply(a, T.Subtract(T.Multiply(e, kc), own));
        if (hasZ) r = T.Add(r, T.Multiply(kz, e));
        if (last) T.MaskStore(g, mask, r);
        else T.Store(r, g);
    }
}
