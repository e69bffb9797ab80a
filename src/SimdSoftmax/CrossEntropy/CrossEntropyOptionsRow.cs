using System.Runtime.Intrinsics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>What an ISA adds to <see cref="IVectorOps{V}"/> for <see cref="CrossEntropyOptionsRow{T, V}"/>.</summary>
internal unsafe interface ICrossEntropyOptionsIsa<V> : IClassifierFma<V> where V : struct
{
    /// <summary>Bit k set where lane k of a equals lane k of b (ordered compare: NaN equals nothing).</summary>
    static abstract uint EqualBits(V a, V b);

    /// <summary>All ones in the lanes where a equals b (ordered compare), zero elsewhere.</summary>
    static abstract V EqualMask(V a, V b);

    /// <summary>All ones in the lanes where a &gt; b (ordered compare: false with a NaN), zero elsewhere.</summary>
    static abstract V GreaterMask(V a, V b);

    /// <summary>a where <paramref name="mask"/> (all ones or all zeros per lane) is set, else b: one blend.</summary>
    static abstract V Select(V mask, V a, V b);

    /// <summary>
    /// tile[W·j + r] = src[r·c + j] for the W rows of a group of packed rows of c ≤ 2·W logits and j &lt; c (the
    /// ISA's transposes); <paramref name="end"/> is the end of the readable span. Reads only those rows.
    /// </summary>
    static abstract void RowsToColumns(float* src, int c, float* tile, float* end);

    /// <summary>dst[r·c + j] = tile[W·j + r] for the W rows of the group and j &lt; c; nothing else is written (the tile may be used as scratch).</summary>
    static abstract void ColumnsToRows(float* tile, float* dst, int c);

    /// <summary>
    /// Runs the ISA's short-row option kernel on as many leading rows of <paramref name="n"/> (integer labels) as it
    /// takes (none when <paramref name="c"/> is too long for it): Σ cross-entropy terms in <paramref name="ce"/>,
    /// Σ z-terms in <paramref name="z"/>, outputs as <see cref="CrossEntropyOptionsRow{T, V}.Run"/>; returns the rows done.
    /// </summary>
    static abstract int OptionShortRows<TSmooth, TWeights, TArgmax>(float* s, int* y, int n, int c, float* g, float* losses, float* lse,
        int* argmax, in OptionRowConstants k, out double ce, out double z)
        where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag where TArgmax : struct, ICompileTimeFlag;
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

    /// <summary>No option but the gradient scale: the plain computation, <c>(p − onehot)·ceScale</c> (for the kernel tester).</summary>
    public OptionRowConstants(double ceScale)
    {
        CeScale = ceScale;
        ZScale = 1;
    }

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
/// Specialized per call on compile-time flags (soft, smoothing, weights, argmax): each option costs only where it is on.
/// Integer labels run the ISA's short-row kernels, then <see cref="CrossEntropyOptionsLongRow{T, V}"/> on the rest, so the
/// per-row loop here serves soft targets; its hard-label branches fold away (TSoft is always set when they are reached).
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
        if (y == null)
            return k.Weights == null
                ? Rows<FlagOn, FlagOff, FlagOff>(s, y, t, n, c, g, losses, lse, argmax, k, out zTotal)
                : Rows<FlagOn, FlagOff, FlagOn>(s, y, t, n, c, g, losses, lse, argmax, k, out zTotal);
        if (k.Epsilon != 0)
            return k.Weights == null
                ? Rows<FlagOff, FlagOn, FlagOff>(s, y, t, n, c, g, losses, lse, argmax, k, out zTotal)
                : Rows<FlagOff, FlagOn, FlagOn>(s, y, t, n, c, g, losses, lse, argmax, k, out zTotal);
        return k.Weights == null
            ? Rows<FlagOff, FlagOff, FlagOff>(s, y, t, n, c, g, losses, lse, argmax, k, out zTotal)
            : Rows<FlagOff, FlagOff, FlagOn>(s, y, t, n, c, g, losses, lse, argmax, k, out zTotal);
    }

    private static double Rows<TSoft, TSmooth, TWeights>(float* s, int* y, float* t, int n, int c, float* g, float* losses, float* lse,
        int* argmax, in OptionRowConstants k, out double zTotal)
        where TSoft : struct, ICompileTimeFlag where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag =>
        argmax == null
            ? Rows<TSoft, TSmooth, TWeights, FlagOff>(s, y, t, n, c, g, losses, lse, argmax, k, out zTotal)
            : Rows<TSoft, TSmooth, TWeights, FlagOn>(s, y, t, n, c, g, losses, lse, argmax, k, out zTotal);

    [SkipLocalsInit] // own is written before it is read
    private static double Rows<TSoft, TSmooth, TWeights, TArgmax>(float* s, int* y, float* t, int n, int c, float* g, float* losses,
        float* lse, int* argmax, in OptionRowConstants k, out double zTotal)
        where TSoft : struct, ICompileTimeFlag where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag
        where TArgmax : struct, ICompileTimeFlag
    {
        double ce = 0, z = 0;
        int i = 0;
        // Smoothing with class weights on hard labels: −own_j = −a·ε/C·w_j once per call, so the gradient pass is one
        // FMA per vector, as the plain kernel's one multiply (the product per vector measured ~1.1× plain at C = 1000).
        float* own = null;
        if (!TSoft.Value && TSmooth.Value && TWeights.Value && c <= OwnMaxClasses && g != null)
        {
            float* buffer = stackalloc float[c];
            // Negated: one FMA per vector. The double products eight at a time (a scalar loop cost ~2% of the plain
            // call at C = 1000 in cache): the same IEEE products and roundings, so the same bits.
            double f = -k.CeScale * k.Uniform;
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var vf = Vector256.Create(f);
                for (; j <= c - 8; j += 8)
                {
                    var (lo, hi) = Vector256.Widen(Vector256.Load(k.Weights + j));
                    Vector256.Narrow(vf * lo, vf * hi).Store(buffer + j);
                }
            }
            for (; j < c; j++) buffer[j] = (float)(f * k.Weights[j]);
            own = buffer;
        }
        if (!TSoft.Value)
        {
            i = T.OptionShortRows<TSmooth, TWeights, TArgmax>(s, y, n, c, g, losses, lse, argmax, k, out ce, out z);
            CrossEntropyOptionsLongRow<T, V>.Rows<TSmooth, TWeights, TArgmax>(s, y, i, n, c, g, losses, lse, argmax, k, own, ref ce, ref z);
            zTotal = z;
            return ce;
        }
        for (; i < n; i++)
        {
            nint o = (nint)i * c;
            int label = TSoft.Value ? -1 : y[i];
            float* lseI = lse == null ? null : lse + i;
            int* argmaxI = TArgmax.Value ? argmax + i : null;
            double rowZ = 0, rowCe = 0;
            if (!TSoft.Value && k.HasIgnore && label == k.IgnoreIndex)
            {
                // lse/argmax before the clear: g may be s.
                if (lse != null || TArgmax.Value) LseAndArgmax(s + o, c, lseI, argmaxI);
                if (g != null) SoftmaxCrossEntropy.ZeroRow(g + o, c);
                if (lse == null && !TArgmax.Value) SoftmaxCrossEntropy.TouchRow(s + o, c);
            }
            else
            {
                rowCe = Row<TSoft, TSmooth, TWeights, TArgmax>(s + o, label, TSoft.Value ? t + o : null, c, g == null ? null : g + o, k,
                    lseI, argmaxI, own, out rowZ);
            }
            if (losses != null) losses[i] = (float)(rowCe + rowZ);
            ce += rowCe;
            z += rowZ;
        }
        zTotal = z;
        return ce;
    }

    /// <summary>Rows up to which the pre-scaled ε/C·w_j live in a stack buffer (16 KB).</summary>
    private const int OwnMaxClasses = 4096;

    /// <summary>The row's max (both halves of the tail-masked max pass as <see cref="CrossEntropyLongRow{T, V}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Max(float* s, int c, int tail, V mask)
    {
        int w = T.Width;
        V negInf = T.Create(float.NegativeInfinity);
        V m0 = negInf, m1 = negInf;
        int j = 0;
        for (; j <= c - 2 * w; j += 2 * w)
        {
            m0 = T.Max(m0, T.Load(s + j));
            m1 = T.Max(m1, T.Load(s + j + w));
        }
        for (; j <= c - w; j += w) m0 = T.Max(m0, T.Load(s + j));
        if (tail > 0) m0 = T.Max(m0, T.MaskLoad(s + j, mask, negInf));
        return T.MaxAcross(T.Max(m0, m1));
    }

    /// <summary>Only lse and argmax, for an ignored row.</summary>
    internal static void LseAndArgmax(float* s, int c, float* lseOut, int* argmaxOut)
    {
        int w = T.Width, tail = c % w;
        V mask = tail > 0 ? T.TailMask(tail) : T.Zero;
        float max = Max(s, c, tail, mask);
        V vmax = T.Create(max), negInf = T.Create(float.NegativeInfinity), sum = T.Zero;
        int found = -1;
        for (int j = 0; j < c; j += w)
        {
            bool last = j > c - w;
            V x = last ? T.MaskLoad(s + j, mask, negInf) : T.Load(s + j);
            if (found < 0)
            {
                uint bits = T.EqualBits(x, vmax);
                if (bits != 0) found = j + BitOperations.TrailingZeroCount(bits);
            }
            V e = T.Exp(T.Subtract(x, vmax));
            sum = T.Add(sum, last ? T.And(e, mask) : e);
        }
        float sumF = T.Sum(sum);
        if (lseOut != null) *lseOut = (float)(max + Math.Log(sumF));
        if (argmaxOut != null) *argmaxOut = found >= 0 && !float.IsNaN(sumF) ? found : OptionPlan.Argmax(new ReadOnlySpan<float>(s, c));
    }

    /// <summary>
    /// One counted row: returns its cross-entropy term, its z-term in <paramref name="z"/>; writes its lse and argmax
    /// where the pointers are not null and its gradient into <paramref name="g"/> when not null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Row<TSoft, TSmooth, TWeights, TArgmax>(float* s, int label, float* t, int c, float* g, in OptionRowConstants k,
        float* lseOut, int* argmaxOut, float* ownScaled, out double z)
        where TSoft : struct, ICompileTimeFlag where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag
        where TArgmax : struct, ICompileTimeFlag
    {
        int w = T.Width;
        float* wt = k.Weights;
        float sy = TSoft.Value ? 0f : s[label];
        int tail = c % w, body = c - tail;
        V mask = tail > 0 ? T.TailMask(tail) : T.Zero;
        float max = Max(s, c, tail, mask);
        V vmax = T.Create(max);
        int found = -1;
        if (TArgmax.Value)
        {
            // The first entry equal to the max, in a tight scan of the row (in L1 after the max pass): inside the exp
            // pass the test and branch per vector measured 1.1–1.2× the plain time on rows of 1000.
            int jj = 0;
            for (; jj < body; jj += w)
            {
                uint bits = T.EqualBits(T.Load(s + jj), vmax);
                if (bits != 0)
                {
                    found = jj + BitOperations.TrailingZeroCount(bits);
                    break;
                }
            }
            if (found < 0 && tail > 0)
            {
                uint bits = T.EqualBits(T.MaskLoad(s + jj, mask, T.Create(float.NegativeInfinity)), vmax) & ((1u << tail) - 1);
                if (bits != 0) found = jj + BitOperations.TrailingZeroCount(bits);
            }
        }

        // The exp pass: e into g (or nowhere), Σe, Σ_{j≠y} e, and the option sums (smoothing: Σ w_j·x_j in a;
        // soft: Σ w_j·t'_j in a, Σ w_j·t'_j·x_j in b, x = s − max).
        V labelLanes = T.LabelLanes(label);
        V sum = T.Zero, others = T.Zero, a = T.Zero, b = T.Zero;
        V oneMinusEps = T.Create((float)(1 - k.Epsilon)), uniform = T.Create((float)k.Uniform);
        bool softEps = TSoft.Value && k.Epsilon != 0;
        int j = 0;
        for (; j < body; j += w)
        {
            V sv = T.Load(s + j);
            V x = T.Subtract(sv, vmax);
            V e = T.Exp(x);
            if (g != null) T.Store(e, g + j);
            if (TSoft.Value) sum = T.Add(sum, e);
            if (!TSoft.Value) others = T.Add(others, T.AndNot(e, T.LanesEqual(labelLanes, j)));
            if (TSmooth.Value) a = TWeights.Value ? T.MultiplyAdd(T.Load(wt + j), x, a) : T.Add(a, x);
            if (TSoft.Value)
            {
                V tv = T.Load(t + j);
                if (softEps) tv = T.Add(T.Multiply(oneMinusEps, tv), uniform);
                if (TWeights.Value) tv = T.Multiply(T.Load(wt + j), tv);
                a = T.Add(a, tv);
                b = T.Add(b, T.Multiply(tv, x));
            }
        }
        if (tail > 0)
        {
            V sv = T.MaskLoad(s + j, mask, T.Create(float.NegativeInfinity));
            V x = T.Subtract(sv, vmax);
            V e = T.And(T.Exp(x), mask);
            x = T.And(x, mask);
            if (g != null) T.MaskStore(g + j, mask, e);
            if (TSoft.Value) sum = T.Add(sum, e);
            if (!TSoft.Value) others = T.Add(others, T.AndNot(e, T.LanesEqual(labelLanes, j)));
            if (TSmooth.Value) a = T.Add(a, TWeights.Value ? T.Multiply(T.MaskLoad(wt + j, mask), x) : x);
            if (TSoft.Value)
            {
                V tv = T.MaskLoad(t + j, mask);
                if (softEps) tv = T.Add(T.Multiply(oneMinusEps, tv), uniform);
                if (TWeights.Value) tv = T.Multiply(T.MaskLoad(wt + j, mask), tv);
                tv = T.And(tv, mask);
                a = T.Add(a, tv);
                b = T.Add(b, T.Multiply(tv, x));
            }
        }
        // Hard labels: Σe = Σ_{j≠y} e + e_y as the plain kernel (one sum per vector in the exp pass, not two).
        float sumF = TSoft.Value ? T.Sum(sum) : T.Sum(others) + T.ToScalar(T.Exp(T.Create(sy - max)));
        double logSum = Math.Log(sumF);
        double lseD = max + logSum;
        if (lseOut != null) *lseOut = (float)lseD;
        if (TArgmax.Value) *argmaxOut = found >= 0 && !float.IsNaN(sumF) ? found : OptionPlan.Argmax(new ReadOnlySpan<float>(s, c));

        double ce, coefP;
        double scale = k.CeScale;
        if (TSoft.Value)
        {
            coefP = T.Sum(a);
            ce = coefP * logSum - T.Sum(b);
        }
        else
        {
            double wy = TWeights.Value ? wt[label] : 1.0;
            ce = (1 - k.Epsilon) * wy * (logSum - ((double)sy - max));
            coefP = (1 - k.Epsilon) * wy;
            if (TSmooth.Value)
            {
                ce += k.Uniform * (k.WeightSum * logSum - T.Sum(a));
                coefP += k.Uniform * k.WeightSum;
            }
        }
        z = k.ZLoss != 0 ? k.ZLoss * lseD * lseD : 0;
        if (g == null) return ce;

        double zc = k.ZLoss != 0 ? k.ZScale * 2 * k.ZLoss * lseD : 0;
        double inv = 1.0 / sumF;
        // g_j = a·(coefP/Σe·e_j − own_j) + zc/Σe·e_j: the difference before the scale, so that a row whose entries
        // cancel (p_j = own_j/coefP) keeps float precision relative to its own terms.
        V kc = T.Create((float)(coefP * inv)), va = T.Create((float)scale), kz = T.Create((float)(zc * inv));
        bool hasZ = zc != 0;
        float ey = TSoft.Value ? 0f : g[label];
        // Hard labels: g_j = e_j·(a·coefP/Σe) − a·ε/C·w_j (own_j pre-scaled and negated), one FMA.
        V kcA = T.Create((float)(scale * coefP * inv)), negVuA = T.Create(TSmooth.Value ? (float)(-scale * k.Uniform) : 0f);
        for (j = 0; j < body; j += w)
        {
            V own;
            V e = T.Load(g + j);
            V r;
            if (TSoft.Value)
            {
                own = T.Load(t + j);
                if (softEps) own = T.Add(T.Multiply(oneMinusEps, own), uniform);
                if (TWeights.Value) own = T.Multiply(T.Load(wt + j), own);
                r = T.Multiply(va, T.Subtract(T.Multiply(e, kc), own));
            }
            else
            {
                // −own_j: −a·ε/C·w_j, so that g_j = e_j·kcA − own_j is one FMA.
                own = !TSmooth.Value ? T.Zero
                    : !TWeights.Value ? negVuA
                    : ownScaled != null ? T.Load(ownScaled + j) : T.Multiply(negVuA, T.Load(wt + j));
                r = TSmooth.Value ? T.MultiplyAdd(e, kcA, own) : T.Multiply(e, kcA);
            }
            if (hasZ) r = T.Add(r, T.Multiply(kz, e));
            T.Store(r, g + j);
        }
        if (tail > 0)
        {
            V own;
            V e = T.MaskLoad(g + j, mask);
            V r;
            if (TSoft.Value)
            {
                own = T.MaskLoad(t + j, mask);
                if (softEps) own = T.Add(T.Multiply(oneMinusEps, own), uniform);
                if (TWeights.Value) own = T.Multiply(T.MaskLoad(wt + j, mask), own);
                r = T.Multiply(va, T.Subtract(T.Multiply(e, kc), own));
            }
            else
            {
                own = !TSmooth.Value ? T.Zero : TWeights.Value ? T.Multiply(negVuA, T.MaskLoad(wt + j, mask)) : negVuA;
                r = TSmooth.Value ? T.MultiplyAdd(e, kcA, own) : T.Multiply(e, kcA);
            }
            if (hasZ) r = T.Add(r, T.Multiply(kz, e));
            T.MaskStore(g + j, mask, r);
        }
        if (!TSoft.Value)
        {
            // The label's entry without the cancellation of p_y − 1: −Σ_{j≠y} e / Σe.
            double wy = TWeights.Value ? wt[label] : 1.0;
            float sumOthers = T.Sum(others);
            double pY = ey * inv;
            double gy = -scale * (1 - k.Epsilon) * wy * sumOthers * inv + zc * pY;
            if (TSmooth.Value) gy += scale * k.Uniform * (k.WeightSum * pY - wy);
            g[label] = (float)gy;
        }
        return ce;
    }
}
