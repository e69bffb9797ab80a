using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Fused cross-entropy on one row of logits, written once over the ISA's vector operations <typeparamref name="T"/>:
/// max (in L1); e = exp(s − max) stored straight into the gradient while Σ_{j≠y} e_j accumulates; then the same row is
/// scaled to <c>(p − onehot)·scale</c>. Loss term <c>log(Σe) − (s_y − max)</c>. Tails are masked loads and stores (on AVX2
/// plain 4-, 2- and 1-float stores, <see cref="StoreTail"/>):
/// nothing outside the row is touched. Batches of rows go through <see cref="Rows"/>, the same arithmetic software
/// pipelined across rows.
/// </summary>
internal static unsafe class CrossEntropyLongRow<T, V> where T : struct, IVectorOps<V> where V : struct
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Row(float* s, int label, int c, float* g, float scale)
    {
        Debug.Assert((uint)label < (uint)c);
        int w = T.Width;
        float sy = s[label];
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

        // NaN anywhere in the row makes its e NaN, hence others, the loss and every gradient entry NaN, as in the reference.
        V labelLanes = T.LabelLanes(label); // lane k holds label − k: equal to j where j + k == label
        V others = T.Zero;
        for (j = 0; j <= c - w; j += w)
        {
            V e = T.Exp(T.Subtract(T.Load(s + j), vmax));
            if (g != null) T.Store(e, g + j);
            others = T.Add(others, T.AndNot(e, T.LanesEqual(labelLanes, j)));
        }
        if (tail > 0)
        {
            V e = T.And(T.Exp(T.Subtract(T.MaskLoad(s + j, mask, negInf), vmax)), mask);
            if (g != null) StoreTail(g + j, mask, e, tail);
            others = T.Add(others, T.AndNot(e, T.LanesEqual(labelLanes, j)));
        }
        float sumOthers = T.Sum(others);
        float ey = T.ToScalar(T.Exp(T.Create(sy - max)));
        double loss = Math.Log((double)sumOthers + ey) - ((double)sy - max);
        if (g != null)
        {
            V inv = T.Create(scale / (sumOthers + ey));
            for (j = 0; j <= c - w; j += w) T.Store(T.Multiply(T.Load(g + j), inv), g + j);
            if (tail > 0) StoreTail(g + j, mask, T.Multiply(T.MaskLoad(g + j, mask), inv), tail);
            g[label] = -(sumOthers * T.ToScalar(inv));
        }
        return loss;
    }

    /// <summary>
    /// <paramref name="total"/> plus the losses of rows [0, rows) (row strides <paramref name="ld"/>, <paramref name="ldg"/>),
    /// added in row order; gradient into g when not null (may be s). Software pipelined like
    /// <see cref="SoftmaxRowPipeline"/>: each sweep scales row r − 1's gradient, exponentiates row r and takes the max
    /// of row r + 1 (<see cref="Sweep"/>), so a row's three dependent passes — max, then exp and Σ, then the scaling by
    /// 1/Σ — overlap with its neighbours' instead of each waiting on a horizontal reduction and a division. Every part
    /// runs exactly <see cref="Row"/>'s operations in <see cref="Row"/>'s order: the result is bitwise the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Rows(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale, double total)
    {
        if (rows == 1) return total + Row(s, labels[0], c, g, scale);
        if (rows <= 0) return total;
        return g == null
            ? Rows<FlagOff>(s, labels, rows, c, ld, null, 0, scale, total)
            : Rows<FlagOn>(s, labels, rows, c, ld, g, ldg, scale, total);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Rows<TGrad>(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale, double total)
        where TGrad : struct, ICompileTimeFlag
    {
        bool grad = TGrad.Value;
        V zero = T.Zero, inv = zero;
        float sumPrevious = 0;
        Sweep<FlagOff, FlagOff, FlagOn, TGrad>(null, zero, null, null, zero, zero, s, c, out float max);
        for (int r = 0; r < rows; r++)
        {
            float* sr = s + (nint)r * ld, gr = grad ? g + (nint)r * ldg : null;
            float* gPrevious = grad && r > 0 ? gr - ldg : null;
            int label = labels[r];
            Debug.Assert((uint)label < (uint)c);
            float sy = sr[label]; // before this row's sweep overwrites it (in place)
            V vmax = T.Create(max), labelLanes = T.LabelLanes(label);
            float nextMax = 0;
            float sumOthers = r + 1 < rows
                ? (grad && r > 0
                    ? Sweep<FlagOn, FlagOn, FlagOn, TGrad>(gPrevious, inv, sr, gr, vmax, labelLanes, sr + ld, c, out nextMax)
                    : Sweep<FlagOff, FlagOn, FlagOn, TGrad>(null, inv, sr, gr, vmax, labelLanes, sr + ld, c, out nextMax))
                : (grad && r > 0
                    ? Sweep<FlagOn, FlagOn, FlagOff, TGrad>(gPrevious, inv, sr, gr, vmax, labelLanes, null, c, out _)
                    : Sweep<FlagOff, FlagOn, FlagOff, TGrad>(null, inv, sr, gr, vmax, labelLanes, null, c, out _));
            if (grad && r > 0) gPrevious[labels[r - 1]] = -(sumPrevious * T.ToScalar(inv));
            float ey = T.ToScalar(T.Exp(T.Create(sy - max)));
            total += Math.Log((double)sumOthers + ey) - ((double)sy - max);
            if (grad)
            {
                inv = T.Create(scale / (sumOthers + ey));
                sumPrevious = sumOthers;
            }
            max = nextMax;
        }
        if (grad)
        {
            float* gLast = g + (nint)(rows - 1) * ldg;
            Sweep<FlagOn, FlagOff, FlagOff, TGrad>(gLast, inv, null, null, zero, zero, null, c, out _);
            gLast[labels[rows - 1]] = -(sumPrevious * T.ToScalar(inv));
        }
        return total;
    }

    /// <summary>
    /// One pipeline sweep over c columns: <typeparamref name="TFinish"/>: gF *= inv (a row's gradient scaling);
    /// <typeparamref name="TExp"/>: e = exp(sE − max) (stored into gE when <typeparamref name="TGrad"/>), returning
    /// Σ of e over the columns other than the label; <typeparamref name="TMax"/>: the max of sM into maxOut. The loops
    /// and accumulators are <see cref="Row"/>'s (max: two accumulators over pairs of vectors, then one; Σ: one
    /// accumulator, one vector at a time), so each part gives <see cref="Row"/>'s bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sweep<TFinish, TExp, TMax, TGrad>(float* gF, V inv, float* sE, float* gE, V vmax, V labelLanes, float* sM, int c, out float maxOut)
        where TFinish : struct, ICompileTimeFlag where TExp : struct, ICompileTimeFlag where TMax : struct, ICompileTimeFlag where TGrad : struct, ICompileTimeFlag
    {
        bool finish = TFinish.Value, exp = TExp.Value, doMax = TMax.Value, grad = TGrad.Value;
        int w = T.Width;
        V negInf = T.Create(float.NegativeInfinity);
        V m0 = negInf, m1 = negInf, others = T.Zero;
        int j = 0;
        for (; j <= c - 2 * w; j += 2 * w)
        {
            if (doMax)
            {
                m0 = T.Max(m0, T.Load(sM + j));
                m1 = T.Max(m1, T.Load(sM + j + w));
            }
            if (finish)
            {
                T.Store(T.Multiply(T.Load(gF + j), inv), gF + j);
                T.Store(T.Multiply(T.Load(gF + j + w), inv), gF + j + w);
            }
            if (exp)
            {
                V e0 = T.Exp(T.Subtract(T.Load(sE + j), vmax));
                V e1 = T.Exp(T.Subtract(T.Load(sE + j + w), vmax));
                if (grad) { T.Store(e0, gE + j); T.Store(e1, gE + j + w); }
                others = T.Add(others, T.AndNot(e0, T.LanesEqual(labelLanes, j)));
                others = T.Add(others, T.AndNot(e1, T.LanesEqual(labelLanes, j + w)));
            }
        }
        for (; j <= c - w; j += w)
        {
            if (doMax) m0 = T.Max(m0, T.Load(sM + j));
            if (finish) T.Store(T.Multiply(T.Load(gF + j), inv), gF + j);
            if (exp)
            {
                V e = T.Exp(T.Subtract(T.Load(sE + j), vmax));
                if (grad) T.Store(e, gE + j);
                others = T.Add(others, T.AndNot(e, T.LanesEqual(labelLanes, j)));
            }
        }
        if (j < c)
        {
            V mask = T.TailMask(c - j);
            if (doMax) m0 = T.Max(m0, T.MaskLoad(sM + j, mask, negInf));
            if (finish) StoreTail(gF + j, mask, T.Multiply(T.MaskLoad(gF + j, mask), inv), c - j);
            if (exp)
            {
                V e = T.And(T.Exp(T.Subtract(T.MaskLoad(sE + j, mask, negInf), vmax)), mask);
                if (grad) StoreTail(gE + j, mask, e, c - j);
                others = T.Add(others, T.AndNot(e, T.LanesEqual(labelLanes, j)));
            }
        }
        maxOut = doMax ? T.MaxAcross(T.Max(m0, m1)) : 0f;
        return exp ? T.Sum(others) : 0f;
    }

    /// <summary>
    /// Stores lanes 0…count − 1 (count &lt; W, the lanes set in <paramref name="mask"/>) of v at p. On AVX2 with plain
    /// stores of 4, 2 and 1 floats rather than vmaskmovps, whose store form is microcoded on AMD (see
    /// <see cref="Tuning.Avx2TailStoresUnmasked"/>); the same floats are written either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTail(float* p, V mask, V v, nint count)
    {
        if (typeof(V) == typeof(Vector256<float>) && Tuning.Avx2TailStoresUnmasked)
        {
            Vector256<float> w = Unsafe.As<V, Vector256<float>>(ref v);
            Vector128<float> part = w.GetLower();
            if ((count & 4) != 0) { part.Store(p); part = w.GetUpper(); p += 4; }
            if ((count & 2) != 0) { Sse.StoreLow(p, part); part = Sse.MoveHighToLow(part, part); p += 2; }
            if ((count & 1) != 0) Sse.StoreScalar(p, part);
        }
        else T.MaskStore(p, mask, v);
    }
}
