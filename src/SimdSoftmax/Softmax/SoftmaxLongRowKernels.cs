using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The per-row microkernels of softmax over one contiguous row longer than the short-row kernels take, in XNNPACK's
/// composition: <see cref="RowMax"/> (rmax) → <see cref="StoreExpMinusMax"/> (raddstoreexpminusmax) → <see cref="Scale"/>
/// (vscale); log-softmax uses <see cref="SumExpMinusMax"/> and <see cref="SubtractMaxAndLogSum"/>; the row pipeline
/// runs the same arithmetic three rows at a time (<see cref="FinishExpMax"/>). Written once over the ISA's vector
/// operations <typeparamref name="T"/> (width <c>W</c>). Each loop runs 4 independent vectors per iteration (latency of
/// exp, max, add hidden), then single vectors, then one masked vector for the tail: nothing is read or written past <c>n</c>.
/// </summary>
/// <remarks>
/// Special values need no branches: the max is taken with <c>vmaxps(x, acc)</c>, which returns the accumulator
/// when x is NaN, so the max is never NaN; a NaN entry then gives exp(NaN − max) = NaN in the sum, +∞ gives
/// max = +∞ and ∞ − ∞ = NaN, and an all −∞ row gives −∞ − (−∞) = NaN — every one of them a NaN sum, hence an all-NaN row.
/// </remarks>
internal readonly unsafe struct SoftmaxLongRowKernels<T, V> : ISoftmaxRowKernels
    where T : struct, IVectorOps<V> where V : struct
{
    private static int W => T.Width;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float RowMax(float* x, nint n)
    {
        Debug.Assert(n > 0);
        V m0 = T.Create(float.NegativeInfinity), m1 = m0, m2 = m0, m3 = m0;
        nint i = 0;
        for (; i <= n - 4 * W; i += 4 * W)
        {
            m0 = T.Max(T.Load(x + i), m0);
            m1 = T.Max(T.Load(x + i + W), m1);
            m2 = T.Max(T.Load(x + i + 2 * W), m2);
            m3 = T.Max(T.Load(x + i + 3 * W), m3);
        }
        for (; i <= n - W; i += W) m0 = T.Max(T.Load(x + i), m0);
        if (i < n) m1 = T.Max(T.MaskLoad(x + i, T.TailMask(n - i), T.Create(float.NegativeInfinity)), m1);
        return T.MaxAcross(T.Max(T.Max(m0, m1), T.Max(m2, m3)));
    }

    /// <summary>
    /// y = exp(x − max) for the n elements, returning their sum (double, see <see cref="SoftmaxRowPipeline.SumBlock"/>).
    /// y may be x. With <paramref name="next"/> (not null), the n floats there (the next row) are prefetched along the
    /// way, one cache line per 16 elements exponentiated: see <see cref="Prefetch"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double StoreExpMinusMax(float* x, float* y, nint n, float max, float* next = null) =>
        next == null ? ExpMinusMax<FlagOff>(x, y, n, max, null, store: true) : ExpMinusMax<FlagOn>(x, y, n, max, next, store: true);

    /// <summary>Σ exp(x − max) over the n elements, nothing stored; <paramref name="next"/> as in <see cref="StoreExpMinusMax"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumExpMinusMax(float* x, nint n, float max, float* next = null) =>
        next == null ? ExpMinusMax<FlagOff>(x, null, n, max, null, store: false) : ExpMinusMax<FlagOn>(x, null, n, max, next, store: false);

    /// <summary>
    /// Prefetches the cache lines of the 4·W floats at p (one instruction per 64 bytes). The exp pass of a row that does
    /// not fit L1 reads it from L2 and, when the output streams (log-softmax), leaves the memory bus idle; prefetching
    /// the next row meanwhile overlaps its read from memory with this row's arithmetic, so the next row's max pass
    /// finds it in L2 (see <see cref="Tuning.LongRowPrefetch"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(float* p)
    {
        Sse.Prefetch1(p);
        if (4 * W > 16) Sse.Prefetch1(p + 16);
        if (4 * W > 32) { Sse.Prefetch1(p + 32); Sse.Prefetch1(p + 48); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V ExpMinus(float* x, V max) => T.Exp(T.Subtract(T.Load(x), max));

    /// <summary>
    /// exp(x − max) of a row's last <paramref name="count"/> (&lt; W) floats in lanes 0…count − 1, zeros in the others.
    /// A tail of at most 8 on AVX-512 is computed on a ymm (k-masked load): Zen 4 runs a zmm operation as two 256-bit
    /// halves, so this halves the cost of the tail's exponential (rows of 100: 6 vectors and a tail of 4). Lane for lane
    /// the same arithmetic, and the upper lanes are zero either way: the same bits (see <see cref="Tuning.HalfWidthExpTail"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V ExpTail(float* x, V mask, V max, nint count)
    {
        if (typeof(V) == typeof(Vector512<float>) && Tuning.HalfWidthExpTail && count <= 8)
        {
            Vector256<float> m = Unsafe.As<V, Vector512<float>>(ref mask).GetLower();
            Vector256<float> t = Avx512F.VL.MaskLoad(x, m, Vector256<float>.Zero) - Unsafe.As<V, Vector512<float>>(ref max).GetLower();
            Vector512<float> e = (ExpRr2P5.Exp(t) & m).ToVector512();
            return Unsafe.As<Vector512<float>, V>(ref e);
        }
        return T.And(T.Exp(T.Subtract(T.MaskLoad(x, mask), max)), mask);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Sum4(V s0, V s1, V s2, V s3) => T.Add(T.Add(s0, s1), T.Add(s2, s3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExpMinusMax<TPrefetch>(float* x, float* y, nint n, float max, float* next, bool store)
        where TPrefetch : struct, ICompileTimeFlag
    {
        V vmax = T.Create(max);
        double total = 0;
        nint i = 0;
        while (i < n)
        {
            nint end = Math.Min(n, i + SoftmaxRowPipeline.SumBlock);
            V s0 = T.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i <= end - 4 * W; i += 4 * W)
            {
                if (TPrefetch.Value) Prefetch(next + i);
                V e0 = ExpMinus(x + i, vmax), e1 = ExpMinus(x + i + W, vmax);
                V e2 = ExpMinus(x + i + 2 * W, vmax), e3 = ExpMinus(x + i + 3 * W, vmax);
                if (store)
                {
                    T.Store(e0, y + i); T.Store(e1, y + i + W); T.Store(e2, y + i + 2 * W); T.Store(e3, y + i + 3 * W);
                }
                s0 = T.Add(s0, e0); s1 = T.Add(s1, e1); s2 = T.Add(s2, e2); s3 = T.Add(s3, e3);
            }
            for (; i <= end - W; i += W)
            {
                V e = ExpMinus(x + i, vmax);
                if (store) T.Store(e, y + i);
                s0 = T.Add(s0, e);
            }
            if (i < end)
            {
                V mask = T.TailMask(end - i);
                V e = ExpTail(x + i, mask, vmax, end - i);
                if (store) StoreTail(y + i, mask, e, end - i);
                s1 = T.Add(s1, e);
                i = end;
            }
            total += T.Sum(Sum4(s0, s1, s2, s3));
        }
        return total;
    }

    /// <summary>Softmax: y·a; log-softmax: (x − a) − b (the subtraction order keeps x ≈ max exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishAt(bool log, float* x, float* y, V a, V b) =>
        T.Store(log ? T.Subtract(T.Subtract(T.Load(x), a), b) : T.Multiply(T.Load(y), a), y);

    /// <summary>
    /// One sweep of the row pipeline over rows of equal length n (<see cref="SoftmaxRowPipeline"/>), three rows
    /// at once: finishes row f (softmax: <paramref name="yFinish"/> *= <paramref name="a"/>; log-softmax: <paramref name="yFinish"/> =
    /// (<paramref name="xFinish"/> − <paramref name="a"/>) − <paramref name="b"/>) when <typeparamref name="TFinish"/>; exponentiates row e
    /// (exp(x − <paramref name="maxExp"/>), stored into <paramref name="yExp"/> for softmax) and returns the sum; takes the max of
    /// row m into <paramref name="maxOut"/> when <typeparamref name="TMax"/>. The exp's arithmetic hides the other parts' loads
    /// and stores. Each part runs exactly the arithmetic of <see cref="Scale"/> / <see cref="SubtractMaxAndLogSum"/>,
    /// <see cref="StoreExpMinusMax"/> / <see cref="SumExpMinusMax"/> (n ≤ <see cref="SoftmaxRowPipeline.SumBlock"/>: one block) and <see cref="RowMax"/>,
    /// vector for vector and accumulator for accumulator: the results are bitwise those of the separate passes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double FinishExpMax<TLog, TFinish, TMax>(float* xFinish, float* yFinish, float a, float b,
        float* xExp, float* yExp, float maxExp, float* xMax, nint n, out float maxOut)
        where TLog : struct, ICompileTimeFlag where TFinish : struct, ICompileTimeFlag where TMax : struct, ICompileTimeFlag
    {
        Debug.Assert(n > 0 && n <= SoftmaxRowPipeline.SumBlock);
        bool log = TLog.Value, finish = TFinish.Value, doMax = TMax.Value;
        V va = T.Create(a), vb = T.Create(b), vmax = T.Create(maxExp);
        V s0 = T.Zero, s1 = s0, s2 = s0, s3 = s0;
        V m0 = T.Create(float.NegativeInfinity), m1 = m0, m2 = m0, m3 = m0;
        nint i = 0;
        for (; i <= n - 4 * W; i += 4 * W)
        {
            if (doMax)
            {
                m0 = T.Max(T.Load(xMax + i), m0);
                m1 = T.Max(T.Load(xMax + i + W), m1);
                m2 = T.Max(T.Load(xMax + i + 2 * W), m2);
                m3 = T.Max(T.Load(xMax + i + 3 * W), m3);
            }
            if (finish)
            {
                FinishAt(log, xFinish + i, yFinish + i, va, vb);
                FinishAt(log, xFinish + i + W, yFinish + i + W, va, vb);
                FinishAt(log, xFinish + i + 2 * W, yFinish + i + 2 * W, va, vb);
                FinishAt(log, xFinish + i + 3 * W, yFinish + i + 3 * W, va, vb);
            }
            V e0 = ExpMinus(xExp + i, vmax), e1 = ExpMinus(xExp + i + W, vmax);
            V e2 = ExpMinus(xExp + i + 2 * W, vmax), e3 = ExpMinus(xExp + i + 3 * W, vmax);
            if (!log) { T.Store(e0, yExp + i); T.Store(e1, yExp + i + W); T.Store(e2, yExp + i + 2 * W); T.Store(e3, yExp + i + 3 * W); }
            s0 = T.Add(s0, e0); s1 = T.Add(s1, e1); s2 = T.Add(s2, e2); s3 = T.Add(s3, e3);
        }
        for (; i <= n - W; i += W)
        {
            if (doMax) m0 = T.Max(T.Load(xMax + i), m0);
            if (finish) FinishAt(log, xFinish + i, yFinish + i, va, vb);
            V e = ExpMinus(xExp + i, vmax);
            if (!log) T.Store(e, yExp + i);
            s0 = T.Add(s0, e);
        }
        if (i < n)
        {
            V mask = T.TailMask(n - i);
            if (doMax) m1 = T.Max(T.MaskLoad(xMax + i, mask, T.Create(float.NegativeInfinity)), m1);
            if (finish)
                StoreTail(yFinish + i, mask, log ? T.Subtract(T.Subtract(T.MaskLoad(xFinish + i, mask), va), vb) : T.Multiply(T.MaskLoad(yFinish + i, mask), va), n - i);
            V e = ExpTail(xExp + i, mask, vmax, n - i);
            if (!log) StoreTail(yExp + i, mask, e, n - i);
            s1 = T.Add(s1, e);
        }
        maxOut = doMax ? T.MaxAcross(T.Max(T.Max(m0, m1), T.Max(m2, m3))) : 0f;
        return 0.0 + T.Sum(Sum4(s0, s1, s2, s3));
    }

    /// <summary>y *= scale over n elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(float* y, nint n, float scale)
    {
        V v = T.Create(scale);
        nint i = 0;
        for (; i <= n - 4 * W; i += 4 * W)
        {
            T.Store(T.Multiply(T.Load(y + i), v), y + i);
            T.Store(T.Multiply(T.Load(y + i + W), v), y + i + W);
            T.Store(T.Multiply(T.Load(y + i + 2 * W), v), y + i + 2 * W);
            T.Store(T.Multiply(T.Load(y + i + 3 * W), v), y + i + 3 * W);
        }
        for (; i <= n - W; i += W) T.Store(T.Multiply(T.Load(y + i), v), y + i);
        if (i < n)
        {
            V mask = T.TailMask(n - i);
            StoreTail(y + i, mask, T.Multiply(T.MaskLoad(y + i, mask), v), n - i);
        }
    }

    /// <summary>y = (x − max) − logSum over n elements (the subtraction order keeps x ≈ max exact). y may be x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SubtractMaxAndLogSum(float* x, float* y, nint n, float max, float logSum)
    {
        V vm = T.Create(max), vl = T.Create(logSum);
        nint i = 0;
        for (; i <= n - 4 * W; i += 4 * W)
        {
            T.Store(T.Subtract(T.Subtract(T.Load(x + i), vm), vl), y + i);
            T.Store(T.Subtract(T.Subtract(T.Load(x + i + W), vm), vl), y + i + W);
            T.Store(T.Subtract(T.Subtract(T.Load(x + i + 2 * W), vm), vl), y + i + 2 * W);
            T.Store(T.Subtract(T.Subtract(T.Load(x + i + 3 * W), vm), vl), y + i + 3 * W);
        }
        for (; i <= n - W; i += W) T.Store(T.Subtract(T.Subtract(T.Load(x + i), vm), vl), y + i);
        if (i < n)
        {
            V mask = T.TailMask(n - i);
            StoreTail(y + i, mask, T.Subtract(T.Subtract(T.MaskLoad(x + i, mask), vm), vl), n - i);
        }
    }

    /// <summary>Elements to the first vector-size boundary at or after y (at most n); y must be 4-byte aligned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint HeadToAlignment(float* y, nint n)
    {
        nint bytes = 4 * W;
        return Math.Min(n, ((bytes - ((nint)y & (bytes - 1))) & (bytes - 1)) / 4);
    }

    /// <summary>
    /// y = (x − max) − logSum with non-temporal stores (masked ordinary stores for the unaligned head and the tail): a
    /// large output is written without first reading its lines into the cache. The caller issues the store fence.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SubtractMaxAndLogSumStreaming(float* x, float* y, nint n, float max, float logSum)
    {
        Debug.Assert(((nint)y & 3) == 0);
        V vm = T.Create(max), vl = T.Create(logSum);
        nint i = HeadToAlignment(y, n);
        if (i > 0)
        {
            V mask = T.TailMask(i);
            StoreTail(y, mask, T.Subtract(T.Subtract(T.MaskLoad(x, mask), vm), vl), i);
        }
        for (; i <= n - 2 * W; i += 2 * W)
        {
            T.StoreNonTemporal(T.Subtract(T.Subtract(T.Load(x + i), vm), vl), y + i);
            T.StoreNonTemporal(T.Subtract(T.Subtract(T.Load(x + i + W), vm), vl), y + i + W);
        }
        for (; i <= n - W; i += W) T.StoreNonTemporal(T.Subtract(T.Subtract(T.Load(x + i), vm), vl), y + i);
        if (i < n)
        {
            V mask = T.TailMask(n - i);
            StoreTail(y + i, mask, T.Subtract(T.Subtract(T.MaskLoad(x + i, mask), vm), vl), n - i);
        }
    }
}
