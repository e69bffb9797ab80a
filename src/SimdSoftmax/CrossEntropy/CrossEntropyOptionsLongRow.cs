using System.Numerics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Cross-entropy with options on rows of integer labels too long for the ISA's short-row kernels, one row at a time
/// as the plain <see cref="CrossEntropyLongRow{T, V}.Row"/> (which also takes rows of 1000 one at a time: its pipeline
/// stops at <see cref="Tuning.RowPipelineOutOfCacheMaxCols"/>): the max pass, the exp pass into g, the gradient pass.
/// Every option is a compile-time flag — smoothing, class weights, argmax, z-loss, gradient — so a call pays only for
/// the options it has, with no test inside the loops. The argmax costs a store per block of the max pass and a scan of
/// the one block that holds the max. The arithmetic is
/// <see cref="CrossEntropyOptionsRow{T, V}"/>'s hard-label row, operation for operation: the results are bitwise the same.
/// </summary>
internal static unsafe class CrossEntropyOptionsLongRow<T, V> where T : struct, IVectorOps<V>, ICrossEntropyOptionsIsa<V> where V : struct
{
    /// <summary>Most blocks of the argmax's running max per row (a stack buffer of that many vectors).</summary>
    private const int MaxBlocks = 64;

    /// <summary>Fewest vector pairs per block: the scan of the block holding the max stays ~4% of a row of 1000 on AVX2.</summary>
    private const int MinBlockPairs = 4;

    /// <summary>
    /// Rows [i0, n) of <paramref name="c"/> logits (stride c): adds their cross-entropy and z terms to
    /// <paramref name="ce"/> and <paramref name="z"/> in row order; per-row outputs into the non-null pointers; gradient
    /// into <paramref name="g"/> when not null (may be s). <paramref name="own"/>: −a·ε/C·w_j (smoothing with weights) or null.
    /// </summary>
    public static void Rows<TSmooth, TWeights, TArgmax>(float* s, int* y, int i0, int n, int c, float* g, float* losses, float* lse,
        int* argmax, in OptionRowConstants k, float* own, ref double ce, ref double z)
        where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag where TArgmax : struct, ICompileTimeFlag
    {
        if (k.ZLoss != 0)
        {
            if (g != null) Rows<TSmooth, TWeights, TArgmax, FlagOn, FlagOn>(s, y, i0, n, c, g, losses, lse, argmax, k, own, ref ce, ref z);
            else Rows<TSmooth, TWeights, TArgmax, FlagOn, FlagOff>(s, y, i0, n, c, g, losses, lse, argmax, k, own, ref ce, ref z);
        }
        else
        {
            if (g != null) Rows<TSmooth, TWeights, TArgmax, FlagOff, FlagOn>(s, y, i0, n, c, g, losses, lse, argmax, k, own, ref ce, ref z);
            else Rows<TSmooth, TWeights, TArgmax, FlagOff, FlagOff>(s, y, i0, n, c, g, losses, lse, argmax, k, own, ref ce, ref z);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit] // cum is written before it is read; zeroed per row it cost a 4 KB memset (the argmax at 1.2–1.3× plain)
    private static void Rows<TSmooth, TWeights, TArgmax, TZ, TGrad>(float* s, int* y, int i0, int n, int c, float* g, float* losses,
        float* lse, int* argmax, in OptionRowConstants k, float* own, ref double ce, ref double z)
        where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag where TArgmax : struct, ICompileTimeFlag
        where TZ : struct, ICompileTimeFlag where TGrad : struct, ICompileTimeFlag
    {
        // The argmax's running max at the end of each block of the max pass (see Row).
        float* cum = stackalloc float[TArgmax.Value ? MaxBlocks * T.Width : 1];
        double ceSum = ce, zSum = z;
        for (int i = i0; i < n; i++)
        {
            nint o = (nint)i * c;
            int label = y[i];
            float* lseI = lse == null ? null : lse + i;
            int* argmaxI = TArgmax.Value ? argmax + i : null;
            double rowZ = 0, rowCe = 0;
            if (k.HasIgnore && label == k.IgnoreIndex)
            {
                // lse/argmax before the clear: g may be s.
                if (lse != null || TArgmax.Value) CrossEntropyOptionsRow<T, V>.LseAndArgmax(s + o, c, lseI, argmaxI);
                if (TGrad.Value) SoftmaxCrossEntropy.ZeroRow(g + o, c);
                if (lse == null && !TArgmax.Value) SoftmaxCrossEntropy.TouchRow(s + o, c);
            }
            else
            {
                rowCe = Row<TSmooth, TWeights, TArgmax, TZ, TGrad>(s + o, label, c, TGrad.Value ? g + o : null, k, lseI, argmaxI, own, cum, out rowZ);
            }
            if (losses != null) losses[i] = (float)(rowCe + rowZ);
            ceSum += rowCe;
            zSum += rowZ;
        }
        ce = ceSum;
        z = zSum;
    }

    /// <summary>
    /// One counted row: returns its cross-entropy term, its z-term in <paramref name="z"/>; writes its lse and argmax
    /// where the pointers are not null and its gradient into <paramref name="g"/> when <typeparamref name="TGrad"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Row<TSmooth, TWeights, TArgmax, TZ, TGrad>(float* s, int label, int c, float* g, in OptionRowConstants k,
        float* lseOut, int* argmaxOut, float* ownScaled, float* cum, out double z)
        where TSmooth : struct, ICompileTimeFlag where TWeights : struct, ICompileTimeFlag where TArgmax : struct, ICompileTimeFlag
        where TZ : struct, ICompileTimeFlag where TGrad : struct, ICompileTimeFlag
    {
        int w = T.Width;
        float* wt = k.Weights;
        float sy = s[label];
        V negInf = T.Create(float.NegativeInfinity);

        // The max pass (CrossEntropyLongRow's loops and accumulators, the pair loop cut into blocks). With the argmax,
        // the running max of the row so far, max(m0, m1), is kept at the end of every block: the first block where it
        // reaches the row's max holds the first index of the max, and only that block is scanned afterwards. A compare
        // and blend per vector in this pass measured 1.13–1.24× the plain time at C = 1000 on AVX2 (a scan of the row
        // after it, as far as the max, 1.13–1.15×); a store per block costs nothing measurable.
        int blockPairs = TArgmax.Value ? Math.Max(MinBlockPairs, (c / (2 * w) + MaxBlocks - 1) / MaxBlocks) : int.MaxValue / 2;
        int blocks = 0;
        V m0 = negInf, m1 = negInf;
        int j = 0;
        while (j <= c - 2 * w)
        {
            int stop = (int)Math.Min(c - 2 * w, j + (long)(blockPairs - 1) * 2 * w);
            for (; j <= stop; j += 2 * w)
            {
                m0 = T.Max(m0, T.Load(s + j));
                m1 = T.Max(m1, T.Load(s + j + w));
            }
            if (TArgmax.Value) T.Store(T.Max(m0, m1), cum + blocks++ * w);
        }
        int pairsEnd = j;
        for (; j <= c - w; j += w) m0 = T.Max(m0, T.Load(s + j));
        int tail = c - j, body = j;
        V mask = tail > 0 ? T.TailMask(tail) : T.Zero;
        if (tail > 0) m0 = T.Max(m0, T.MaskLoad(s + j, mask, negInf));
        float max = T.MaxAcross(T.Max(m0, m1));
        V vmax = T.Create(max);
        int found = -1;
        if (TArgmax.Value)
        {
            // The first block whose running max equals the row's max (none when the max is NaN: the reference's scan
            // below), then the first equal entry in it; past the pairs, the last vector and the tail.
            int b = 0;
            while (b < blocks && T.EqualBits(T.Load(cum + b * w), vmax) == 0) b++;
            int from = b < blocks ? b * blockPairs * 2 * w : pairsEnd;
            int to = b < blocks ? (int)Math.Min(pairsEnd, (long)(b + 1) * blockPairs * 2 * w) : body;
            for (int q = from; q < to; q += w)
            {
                uint bits = T.EqualBits(T.Load(s + q), vmax);
                if (bits != 0)
                {
                    found = q + BitOperations.TrailingZeroCount(bits);
                    break;
                }
            }
            if (found < 0 && b == blocks && tail > 0)
            {
                uint bits = T.EqualBits(T.MaskLoad(s + body, mask, negInf), vmax) & ((1u << tail) - 1);
                if (bits != 0) found = body + BitOperations.TrailingZeroCount(bits);
            }
        }

        // The exp pass: e into g, Σ_{j≠y} e, and with smoothing Σ w_j·x_j (x = s − max).
        V labelLanes = T.LabelLanes(label);
        V others = T.Zero, a = T.Zero;
        for (j = 0; j < body; j += w)
        {
            V x = T.Subtract(T.Load(s + j), vmax);
            V e = T.Exp(x);
            if (TGrad.Value) T.Store(e, g + j);
            others = T.Add(others, T.AndNot(e, T.LanesEqual(labelLanes, j)));
            if (TSmooth.Value) a = TWeights.Value ? T.MultiplyAdd(T.Load(wt + j), x, a) : T.Add(a, x);
        }
        if (tail > 0)
        {
            V x = T.Subtract(T.MaskLoad(s + j, mask, negInf), vmax);
            V e = T.And(T.Exp(x), mask);
            x = T.And(x, mask);
            if (TGrad.Value) T.MaskStore(g + j, mask, e);
            others = T.Add(others, T.AndNot(e, T.LanesEqual(labelLanes, j)));
            if (TSmooth.Value) a = T.Add(a, TWeights.Value ? T.Multiply(T.MaskLoad(wt + j, mask), x) : x);
        }
        float sumOthers = T.Sum(others);
        float sumF = sumOthers + T.ToScalar(T.Exp(T.Create(sy - max)));
        double logSum = Math.Log(sumF);
        double lseD = max + logSum;
        if (lseOut != null) *lseOut = (float)lseD;
        if (TArgmax.Value) *argmaxOut = found >= 0 && !float.IsNaN(sumF) ? found : OptionPlan.Argmax(new ReadOnlySpan<float>(s, c));

        double wy = TWeights.Value ? wt[label] : 1.0;
        double ce = (1 - k.Epsilon) * wy * (logSum - ((double)sy - max));
        double coefP = (1 - k.Epsilon) * wy;
        if (TSmooth.Value)
        {
            ce += k.Uniform * (k.WeightSum * logSum - T.Sum(a));
            coefP += k.Uniform * k.WeightSum;
        }
        z = TZ.Value ? k.ZLoss * lseD * lseD : 0;
        if (!TGrad.Value) return ce;

        double scale = k.CeScale;
        double zc = TZ.Value ? k.ZScale * 2 * k.ZLoss * lseD : 0;
        double inv = 1.0 / sumF;
        float ey = g[label];
        // g_j = e_j·(a·coefP/Σe) − a·ε/C·w_j (−own_j pre-scaled: one FMA) + z·e_j/Σe; with zc = 0 the z term adds +0
        // to an entry that is never −0, so a z-loss row whose lse is 0 keeps the bits of the row without it.
        V kcA = T.Create((float)(scale * coefP * inv)), kz = T.Create((float)(zc * inv));
        V negVuA = T.Create(TSmooth.Value ? (float)(-scale * k.Uniform) : 0f);
        for (j = 0; j < body; j += w)
        {
            V e = T.Load(g + j);
            V r;
            if (TSmooth.Value)
            {
                V own = !TWeights.Value ? negVuA : ownScaled != null ? T.Load(ownScaled + j) : T.Multiply(negVuA, T.Load(wt + j));
                r = T.MultiplyAdd(e, kcA, own);
            }
            else r = T.Multiply(e, kcA);
            if (TZ.Value) r = T.Add(r, T.Multiply(kz, e));
            T.Store(r, g + j);
        }
        if (tail > 0)
        {
            V e = T.MaskLoad(g + j, mask);
            V r;
            if (TSmooth.Value) r = T.MultiplyAdd(e, kcA, TWeights.Value ? T.Multiply(negVuA, T.MaskLoad(wt + j, mask)) : negVuA);
            else r = T.Multiply(e, kcA);
            if (TZ.Value) r = T.Add(r, T.Multiply(kz, e));
            T.MaskStore(g + j, mask, r);
        }
        // The label's entry without the cancellation of p_y − 1: −Σ_{j≠y} e / Σe.
        double pY = ey * inv;
        double gy = -scale * (1 - k.Epsilon) * wy * sumOthers * inv + zc * pY;
        if (TSmooth.Value) gy += scale * k.Uniform * (k.WeightSum * pY - wy);
        g[label] = (float)gy;
        return ce;
    }
}
