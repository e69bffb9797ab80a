using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>The fused-multiply-add the classifier's generic tiles need (the ISA's FMA, one rounding).</summary>
internal interface IClassifierFma<V> where V : struct
{
    /// <summary><c>a·b + addend</c>, rounded once.</summary>
    static abstract V MultiplyAdd(V a, V b, V addend);
}

/// <summary>
/// Input-gradient microkernel of the fused classifier, written once for both ISAs (the loop is C broadcasts × 2 packed
/// Wᵀ loads per 8 FMAs: nothing per-ISA to schedule by hand): <c>dX_blk = dS_blk·Wᵀ</c> for the rows of one row block,
/// <c>dx[i][k] = Σ_{j&lt;c} ds[i][j]·Wᵀ[j][k]</c>, over all of D. The score tile in reverse: 4 rows × 2 vectors of D in
/// 8 accumulators, each class step loads the 2 packed Wᵀ vectors of that class and broadcasts 4 entries of dS.
/// </summary>
/// <remarks>
/// <c>w</c> is the packed Wᵀ of <see cref="SoftmaxLossFused"/> (zero past D): class j's vector v is at
/// <c>((j / ct)·nVec + v)·ct·VW + (j % ct)·VW</c>. Only classes below <c>c</c> of dS are read; dX is written with masked
/// stores past D, never past a row. Each dX element is the same sum in the same order whatever group its row falls in
/// (a short last group repeats its last row and stores the same bits twice), so results do not depend on blocking.
/// </remarks>
internal static unsafe class InputGradientTile<TIsa, V> where TIsa : struct, IVectorOps<V>, IClassifierFma<V> where V : struct
{
    public const int Rows = 4;
    /// <summary>Rows per group when streaming: computed into one half of the scratch while the other half is written out.</summary>
    public const int StreamRows = 8;
    /// <summary>Rows of scratch (each nVec·VW floats) the streaming form needs: two groups, double-buffered.</summary>
    public const int ScratchRows = 2 * StreamRows;

    /// <summary>
    /// Writes <paramref name="rows"/> rows of dX (stride <paramref name="ldx"/>, <paramref name="d"/> columns) from dS
    /// (stride <paramref name="lds"/>). With a <paramref name="scratch"/> (<see cref="ScratchRows"/>·nVec·VW floats) the
    /// rows are computed there in groups of <see cref="StreamRows"/> and written to dX with non-temporal stores (aligned
    /// body, ordinary masked stores for each row's unaligned head and tail): a large dX then costs its write only, not a
    /// read-for-ownership as well. The write of one group is spread over the computation of the next (a few vectors
    /// after each pair of vectors of D), so the stores drain to memory while the FMAs run instead of stalling the core
    /// in one burst per group. The same values either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* ds, nint lds, int rows, int c, int ct, float* w, int nVec, float* dx, nint ldx, int d, float* scratch)
    {
        if (scratch == null)
        {
            Compute(ds, lds, rows, c, ct, w, nVec, dx, ldx, d, null);
            return;
        }
        int lsc = nVec * TIsa.Width;
        var stream = new Writer { Ldx = ldx, Lsc = lsc, D = d };
        for (int i0 = 0, group = 0; i0 < rows; i0 += StreamRows, group++)
        {
            int g = Math.Min(StreamRows, rows - i0);
            float* buffer = scratch + (nint)(group & 1) * StreamRows * lsc;
            // The previous group (in the other half) drains while this one is computed; one call per pair of vectors of D.
            stream.Budget = (stream.Rows * (d / TIsa.Width + 2) + nVec / 2 - 1) / Math.Max(1, nVec / 2) + 1;
            Compute(ds + (nint)i0 * lds, lds, g, c, ct, w, nVec, buffer, lsc, lsc, &stream);
            stream.Drain(int.MaxValue);
            stream.Src = buffer; stream.Dst = dx + (nint)i0 * ldx; stream.Rows = g; stream.Row = 0; stream.K = 0;
        }
        stream.Drain(int.MaxValue);
        System.Runtime.Intrinsics.X86.Sse.StoreFence(); // streaming stores are weakly ordered: visible before returning
    }

    /// <summary>
    /// The rows of one computed group on their way from the scratch to dX: row <see cref="Row"/> is written up to column
    /// <see cref="K"/>. Each row: the head up to dX's next vector boundary with a masked store, the aligned body
    /// non-temporally, the tail masked (rows not 4-byte aligned: masked stores throughout).
    /// </summary>
    private struct Writer
    {
        public float* Src, Dst;
        public nint Ldx;
        public int Lsc, D, Rows, Row, K, Budget;

        /// <summary>Writes up to <paramref name="vectors"/> more vectors of the group.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Drain(int vectors)
        {
            int vw = TIsa.Width;
            while (Row < Rows && vectors > 0)
            {
                float* src = Src + (nint)Row * Lsc, dst = Dst + (nint)Row * Ldx;
                bool aligned = ((nint)dst & 3) == 0;
                if (K == 0 && aligned)
                {
                    int head = Math.Min(D, (int)((-(nint)dst & (vw * 4 - 1)) / 4));
                    if (head > 0) { TIsa.MaskStore(dst, TIsa.TailMask(head), TIsa.Load(src)); K = head; vectors--; }
                }
                if (aligned)
                    for (; K + vw <= D && vectors > 0; K += vw, vectors--) TIsa.StoreNonTemporal(TIsa.Load(src + K), dst + K);
                else
                    for (; K + vw <= D && vectors > 0; K += vw, vectors--) TIsa.MaskStore(dst + K, TIsa.TailMask(vw), TIsa.Load(src + K));
                if (K + vw > D && vectors > 0)
                {
                    if (K < D)
                    {
                        V m = TIsa.TailMask(D - K);
                        TIsa.MaskStore(dst + K, m, TIsa.MaskLoad(src + K, m));
                        vectors--;
                    }
                    Row++;
                    K = 0;
                }
            }
        }
    }

    // One copy, not inlined into Run's two call sites: two inlined copies of 8 accumulators and the loop state
    // exceeded what the JIT keeps in registers (measured 4× slower on 100×784×10).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Compute(float* ds, nint lds, int rows, int c, int ct, float* w, int nVec, float* dx, nint ldx, int d, Writer* stream)
    {
        Debug.Assert(c >= 1 && ct >= 1 && d >= 1 && nVec % 2 == 0 && (long)nVec * TIsa.Width >= d);
        int vw = TIsa.Width;
        nint tileStride = (nint)nVec * ct * vw, second = (nint)ct * vw;
        // Vector pairs outermost: their packed Wᵀ (2 vectors × C) stays in L1 across the block's rows, where D = 3073
        // makes all of packed Wᵀ (124 KiB) an L2 stream per row group otherwise.
        for (int v = 0; v < nVec; v += 2)
        {
            for (int i0 = 0; i0 < rows; i0 += Rows)
            {
                int last = Math.Min(Rows, rows - i0) - 1;
                float* s0 = ds + (nint)i0 * lds;
                float* s1 = s0 + Math.Min(1, last) * lds;
                float* s2 = s0 + Math.Min(2, last) * lds;
                float* s3 = s0 + last * lds;
                float* d0 = dx + (nint)i0 * ldx;
                float* d1 = d0 + Math.Min(1, last) * ldx;
                float* d2 = d0 + Math.Min(2, last) * ldx;
                float* d3 = d0 + last * ldx;
                V a00 = TIsa.Zero, a01 = TIsa.Zero, a10 = TIsa.Zero, a11 = TIsa.Zero;
                V a20 = TIsa.Zero, a21 = TIsa.Zero, a30 = TIsa.Zero, a31 = TIsa.Zero;
                float* wt = w + (nint)v * second;
                for (int j0 = 0; j0 < c; j0 += ct, wt += tileStride)
                {
                    int jn = Math.Min(ct, c - j0);
                    float* wj = wt;
                    for (int jj = 0; jj < jn; jj++, wj += vw)
                    {
                        int j = j0 + jj;
                        V w0 = TIsa.Load(wj), w1 = TIsa.Load(wj + second);
                        V b0 = TIsa.Create(s0[j]);
                        a00 = TIsa.MultiplyAdd(b0, w0, a00);
                        a01 = TIsa.MultiplyAdd(b0, w1, a01);
                        V b1 = TIsa.Create(s1[j]);
                        a10 = TIsa.MultiplyAdd(b1, w0, a10);
                        a11 = TIsa.MultiplyAdd(b1, w1, a11);
                        V b2 = TIsa.Create(s2[j]);
                        a20 = TIsa.MultiplyAdd(b2, w0, a20);
                        a21 = TIsa.MultiplyAdd(b2, w1, a21);
                        V b3 = TIsa.Create(s3[j]);
                        a30 = TIsa.MultiplyAdd(b3, w0, a30);
                        a31 = TIsa.MultiplyAdd(b3, w1, a31);
                    }
                }
                int k = v * vw, count = d - k;
                if (count >= 2 * vw)
                {
                    TIsa.Store(a00, d0 + k); TIsa.Store(a01, d0 + k + vw);
                    TIsa.Store(a10, d1 + k); TIsa.Store(a11, d1 + k + vw);
                    TIsa.Store(a20, d2 + k); TIsa.Store(a21, d2 + k + vw);
                    TIsa.Store(a30, d3 + k); TIsa.Store(a31, d3 + k + vw);
                }
                else if (count > vw)
                {
                    V m = TIsa.TailMask(count - vw);
                    TIsa.Store(a00, d0 + k); TIsa.MaskStore(d0 + k + vw, m, a01);
                    TIsa.Store(a10, d1 + k); TIsa.MaskStore(d1 + k + vw, m, a11);
                    TIsa.Store(a20, d2 + k); TIsa.MaskStore(d2 + k + vw, m, a21);
                    TIsa.Store(a30, d3 + k); TIsa.MaskStore(d3 + k + vw, m, a31);
                }
                else
                {
                    V m = TIsa.TailMask(count);
                    TIsa.MaskStore(d0 + k, m, a00);
                    TIsa.MaskStore(d1 + k, m, a10);
                    TIsa.MaskStore(d2 + k, m, a20);
                    TIsa.MaskStore(d3 + k, m, a30);
                }
            }
            if (stream != null) stream->Drain(stream->Budget);
        }
    }
}
