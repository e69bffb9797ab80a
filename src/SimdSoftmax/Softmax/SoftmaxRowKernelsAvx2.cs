using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The per-row microkernels of softmax over one contiguous row, 256-bit, in XNNPACK's composition:
/// <see cref="RowMax"/> (rmax) → <see cref="StoreExpMinusMax"/> (raddstoreexpminusmax) → <see cref="Scale"/>
/// (vscale); log-softmax uses <see cref="SumExpMinusMax"/> and <see cref="SubtractMaxAndLogSum"/>.
/// Each loop runs 4 independent vectors per iteration (latency of exp, max, add hidden), then single vectors,
/// then one masked (vmaskmovps) vector for the tail: nothing is read or written past <c>n</c>.
/// </summary>
/// <remarks>
/// Special values need no branches: the max is taken with <c>vmaxps(x, acc)</c>, which returns the accumulator
/// when x is NaN, so the max is never NaN; a NaN entry then gives exp(NaN − max) = NaN in the sum, +∞ gives
/// max = +∞ and ∞ − ∞ = NaN, and an all −∞ row gives −∞ − (−∞) = NaN — every one of them a NaN sum, hence an all-NaN row.
/// </remarks>
internal readonly unsafe struct SoftmaxRowKernelsAvx2 : ISoftmaxRowKernels
{
    private const int W = 8;
    /// <summary>Elements summed in float vector accumulators before the partial sum moves to a double (long rows stay accurate).</summary>
    public const int SumBlock = 4096;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> TailMask(nint remaining) =>
        Vector256.LessThan(Vector256<int>.Indices, Vector256.Create((int)remaining)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float RowMax(float* x, nint n)
    {
        Debug.Assert(n > 0);
        Vector256<float> m0 = Vector256.Create(float.NegativeInfinity), m1 = m0, m2 = m0, m3 = m0;
        nint i = 0;
        for (; i <= n - 4 * W; i += 4 * W)
        {
            m0 = Avx.Max(Vector256.Load(x + i), m0);
            m1 = Avx.Max(Vector256.Load(x + i + W), m1);
            m2 = Avx.Max(Vector256.Load(x + i + 2 * W), m2);
            m3 = Avx.Max(Vector256.Load(x + i + 3 * W), m3);
        }
        for (; i <= n - W; i += W) m0 = Avx.Max(Vector256.Load(x + i), m0);
        if (i < n)
        {
            Vector256<float> mask = TailMask(n - i);
            m1 = Avx.Max(Avx.BlendVariable(Vector256.Create(float.NegativeInfinity), Avx.MaskLoad(x + i, mask), mask), m1);
        }
        return HorizontalMax(Avx.Max(Avx.Max(m0, m1), Avx.Max(m2, m3)));
    }

    /// <summary>y = exp(x − max) for the n elements, returning their sum (double, see <see cref="SumBlock"/>). y may be x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double StoreExpMinusMax(float* x, float* y, nint n, float max) => ExpMinusMax(x, y, n, max, store: true);

    /// <summary>Σ exp(x − max) over the n elements, nothing stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumExpMinusMax(float* x, nint n, float max) => ExpMinusMax(x, null, n, max, store: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExpMinusMax(float* x, float* y, nint n, float max, bool store)
    {
        Vector256<float> vmax = Vector256.Create(max);
        double total = 0;
        nint i = 0;
        while (i < n)
        {
            nint end = Math.Min(n, i + SumBlock);
            Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i <= end - 4 * W; i += 4 * W)
            {
                Vector256<float> e0 = ExpRr2P5.Exp(Vector256.Load(x + i) - vmax);
                Vector256<float> e1 = ExpRr2P5.Exp(Vector256.Load(x + i + W) - vmax);
                Vector256<float> e2 = ExpRr2P5.Exp(Vector256.Load(x + i + 2 * W) - vmax);
                Vector256<float> e3 = ExpRr2P5.Exp(Vector256.Load(x + i + 3 * W) - vmax);
                if (store)
                {
                    e0.Store(y + i); e1.Store(y + i + W); e2.Store(y + i + 2 * W); e3.Store(y + i + 3 * W);
                }
                s0 += e0; s1 += e1; s2 += e2; s3 += e3;
            }
            for (; i <= end - W; i += W)
            {
                Vector256<float> e = ExpRr2P5.Exp(Vector256.Load(x + i) - vmax);
                if (store) e.Store(y + i);
                s0 += e;
            }
            if (i < end)
            {
                Vector256<float> mask = TailMask(end - i);
                Vector256<float> e = ExpRr2P5.Exp(Avx.MaskLoad(x + i, mask) - vmax) & mask;
                if (store) Avx.MaskStore(y + i, mask, e);
                s1 += e;
                i = end;
            }
            total += Vector256.Sum((s0 + s1) + (s2 + s3));
        }
        return total;
    }

    /// <summary>
    /// One sweep of the row pipeline over rows of equal length n (<see cref="SoftmaxRowPipeline"/>), three rows
    /// at once: finishes row f (softmax: <paramref name="yFinish"/> *= <paramref name="a"/>; log-softmax: <paramref name="yFinish"/> =
    /// (<paramref name="xFinish"/> − <paramref name="a"/>) − <paramref name="b"/>) when <typeparamref name="TFinish"/>; exponentiates row e
    /// (exp(x − <paramref name="maxExp"/>), stored into <paramref name="yExp"/> for softmax) and returns the sum; takes the max of
    /// row m into <paramref name="maxOut"/> when <typeparamref name="TMax"/>. The exp's arithmetic hides the other parts' loads
    /// and stores. Each part runs exactly the arithmetic of <see cref="Scale"/> / <see cref="SubtractMaxAndLogSum"/>,
    /// <see cref="StoreExpMinusMax"/> / <see cref="SumExpMinusMax"/> (n ≤ <see cref="SumBlock"/>: one block) and <see cref="RowMax"/>,
    /// vector for vector and accumulator for accumulator: the results are bitwise those of the separate passes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double FinishExpMax<TLog, TFinish, TMax>(float* xFinish, float* yFinish, float a, float b,
        float* xExp, float* yExp, float maxExp, float* xMax, nint n, out float maxOut)
        where TLog : struct, ICompileTimeFlag where TFinish : struct, ICompileTimeFlag where TMax : struct, ICompileTimeFlag
    {
        Debug.Assert(n > 0 && n <= SumBlock);
        bool log = TLog.Value, finish = TFinish.Value, doMax = TMax.Value;
        Vector256<float> va = Vector256.Create(a), vb = Vector256.Create(b), vmax = Vector256.Create(maxExp);
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        Vector256<float> m0 = Vector256.Create(float.NegativeInfinity), m1 = m0, m2 = m0, m3 = m0;
        nint i = 0;
        for (; i <= n - 4 * W; i += 4 * W)
        {
            if (doMax)
            {
                m0 = Avx.Max(Vector256.Load(xMax + i), m0);
                m1 = Avx.Max(Vector256.Load(xMax + i + W), m1);
                m2 = Avx.Max(Vector256.Load(xMax + i + 2 * W), m2);
                m3 = Avx.Max(Vector256.Load(xMax + i + 3 * W), m3);
            }
            if (finish)
            {
                (log ? Vector256.Load(xFinish + i) - va - vb : Vector256.Load(yFinish + i) * va).Store(yFinish + i);
                (log ? Vector256.Load(xFinish + i + W) - va - vb : Vector256.Load(yFinish + i + W) * va).Store(yFinish + i + W);
                (log ? Vector256.Load(xFinish + i + 2 * W) - va - vb : Vector256.Load(yFinish + i + 2 * W) * va).Store(yFinish + i + 2 * W);
                (log ? Vector256.Load(xFinish + i + 3 * W) - va - vb : Vector256.Load(yFinish + i + 3 * W) * va).Store(yFinish + i + 3 * W);
            }
            Vector256<float> e0 = ExpRr2P5.Exp(Vector256.Load(xExp + i) - vmax);
            Vector256<float> e1 = ExpRr2P5.Exp(Vector256.Load(xExp + i + W) - vmax);
            Vector256<float> e2 = ExpRr2P5.Exp(Vector256.Load(xExp + i + 2 * W) - vmax);
            Vector256<float> e3 = ExpRr2P5.Exp(Vector256.Load(xExp + i + 3 * W) - vmax);
            if (!log) { e0.Store(yExp + i); e1.Store(yExp + i + W); e2.Store(yExp + i + 2 * W); e3.Store(yExp + i + 3 * W); }
            s0 += e0; s1 += e1; s2 += e2; s3 += e3;
        }
        for (; i <= n - W; i += W)
        {
            if (doMax) m0 = Avx.Max(Vector256.Load(xMax + i), m0);
            if (finish) (log ? Vector256.Load(xFinish + i) - va - vb : Vector256.Load(yFinish + i) * va).Store(yFinish + i);
            Vector256<float> e = ExpRr2P5.Exp(Vector256.Load(xExp + i) - vmax);
            if (!log) e.Store(yExp + i);
            s0 += e;
        }
        if (i < n)
        {
            Vector256<float> mask = TailMask(n - i);
            if (doMax) m1 = Avx.Max(Avx.BlendVariable(Vector256.Create(float.NegativeInfinity), Avx.MaskLoad(xMax + i, mask), mask), m1);
            if (finish) Avx.MaskStore(yFinish + i, mask, log ? Avx.MaskLoad(xFinish + i, mask) - va - vb : Avx.MaskLoad(yFinish + i, mask) * va);
            Vector256<float> e = ExpRr2P5.Exp(Avx.MaskLoad(xExp + i, mask) - vmax) & mask;
            if (!log) Avx.MaskStore(yExp + i, mask, e);
            s1 += e;
        }
        maxOut = doMax ? HorizontalMax(Avx.Max(Avx.Max(m0, m1), Avx.Max(m2, m3))) : 0f;
        return 0.0 + Vector256.Sum((s0 + s1) + (s2 + s3));
    }

    /// <summary>y *= scale over n elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(float* y, nint n, float scale)
    {
        Vector256<float> v = Vector256.Create(scale);
        nint i = 0;
        for (; i <= n - 4 * W; i += 4 * W)
        {
            (Vector256.Load(y + i) * v).Store(y + i);
            (Vector256.Load(y + i + W) * v).Store(y + i + W);
            (Vector256.Load(y + i + 2 * W) * v).Store(y + i + 2 * W);
            (Vector256.Load(y + i + 3 * W) * v).Store(y + i + 3 * W);
        }
        for (; i <= n - W; i += W) (Vector256.Load(y + i) * v).Store(y + i);
        if (i < n)
        {
            Vector256<float> mask = TailMask(n - i);
            Avx.MaskStore(y + i, mask, Avx.MaskLoad(y + i, mask) * v);
        }
    }

    /// <summary>y = (x − max) − logSum over n elements (the subtraction order keeps x ≈ max exact). y may be x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SubtractMaxAndLogSum(float* x, float* y, nint n, float max, float logSum)
    {
        Vector256<float> vm = Vector256.Create(max), vl = Vector256.Create(logSum);
        nint i = 0;
        for (; i <= n - 4 * W; i += 4 * W)
        {
            (Vector256.Load(x + i) - vm - vl).Store(y + i);
            (Vector256.Load(x + i + W) - vm - vl).Store(y + i + W);
            (Vector256.Load(x + i + 2 * W) - vm - vl).Store(y + i + 2 * W);
            (Vector256.Load(x + i + 3 * W) - vm - vl).Store(y + i + 3 * W);
        }
        for (; i <= n - W; i += W) (Vector256.Load(x + i) - vm - vl).Store(y + i);
        if (i < n)
        {
            Vector256<float> mask = TailMask(n - i);
            Avx.MaskStore(y + i, mask, Avx.MaskLoad(x + i, mask) - vm - vl);
        }
    }

    /// <summary>Elements to the first 32-byte boundary at or after y (at most n); y must be 4-byte aligned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint HeadToAlignment(float* y, nint n) => Math.Min(n, ((32 - ((nint)y & 31)) & 31) / 4);

    /// <summary>
    /// y = src · scale with non-temporal stores (masked ordinary stores for the unaligned head and the tail):
    /// a large output is written without first reading its lines into the cache (8 instead of 12 bytes of
    /// traffic per element). The caller issues the store fence.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleStreaming(float* src, float* y, nint n, float scale)
    {
        Debug.Assert(((nint)y & 3) == 0);
        Vector256<float> v = Vector256.Create(scale);
        nint i = HeadToAlignment(y, n);
        if (i > 0)
        {
            Vector256<float> mask = TailMask(i);
            Avx.MaskStore(y, mask, Avx.MaskLoad(src, mask) * v);
        }
        for (; i <= n - 2 * W; i += 2 * W)
        {
            Avx.StoreAlignedNonTemporal(y + i, Vector256.Load(src + i) * v);
            Avx.StoreAlignedNonTemporal(y + i + W, Vector256.Load(src + i + W) * v);
        }
        for (; i <= n - W; i += W) Avx.StoreAlignedNonTemporal(y + i, Vector256.Load(src + i) * v);
        if (i < n)
        {
            Vector256<float> mask = TailMask(n - i);
            Avx.MaskStore(y + i, mask, Avx.MaskLoad(src + i, mask) * v);
        }
    }

    /// <summary>y = (x − max) − logSum with non-temporal stores (see <see cref="ScaleStreaming"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SubtractMaxAndLogSumStreaming(float* x, float* y, nint n, float max, float logSum)
    {
        Debug.Assert(((nint)y & 3) == 0);
        Vector256<float> vm = Vector256.Create(max), vl = Vector256.Create(logSum);
        nint i = HeadToAlignment(y, n);
        if (i > 0)
        {
            Vector256<float> mask = TailMask(i);
            Avx.MaskStore(y, mask, Avx.MaskLoad(x, mask) - vm - vl);
        }
        for (; i <= n - 2 * W; i += 2 * W)
        {
            Avx.StoreAlignedNonTemporal(y + i, Vector256.Load(x + i) - vm - vl);
            Avx.StoreAlignedNonTemporal(y + i + W, Vector256.Load(x + i + W) - vm - vl);
        }
        for (; i <= n - W; i += W) Avx.StoreAlignedNonTemporal(y + i, Vector256.Load(x + i) - vm - vl);
        if (i < n)
        {
            Vector256<float> mask = TailMask(n - i);
            Avx.MaskStore(y + i, mask, Avx.MaskLoad(x + i, mask) - vm - vl);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalMax(Vector256<float> v)
    {
        Vector128<float> q = Sse.Max(v.GetLower(), v.GetUpper());
        q = Sse.Max(q, Sse.MoveHighToLow(q, q));
        q = Sse.MaxScalar(q, Sse.Shuffle(q, q, 1));
        return q.ToScalar();
    }
}
