using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The small AVX-512 register tile: 8×32 of C in 16 Vector512 accumulators (8 rows × 2 vectors), fed per k by 2 loads
/// of the packed B row and 8 broadcasts from A, which it reads through (row, column) strides: from a packed micro-panel
/// in the blocked nest, in place (row-major or transposed) in the pack-B-only nest of small problems. 64, 128 and 256
/// are multiples of both 8 and 32, so small square problems run without edge tiles. Its FMA:load ratio (16:10) is lower than the big tiles', which a
/// core that retires one 512-bit FMA per cycle (Zen 4's two 256-bit halves) does not notice; see Tuning.Gemm.cs.
/// Written out by hand like the other tiles (named accumulators stay in registers); tested by GemmMicrokernelTester.
/// </summary>
internal readonly struct Microkernel8x32Avx512 : IGemmMicrokernelStridedA
{
    public static int MR => 8;
    public static int NR => 32;

    /// <summary>The packed-panel form: A as a packed micro-panel is (rsA, csA) = (1, MR).</summary>
    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta) =>
        RunStridedA(kc, a, 1, MR, b, c, ldc, alpha, beta);

    /// <summary>C[0..MR, 0..NR] = alpha·(op(A)·B̃) + beta·C over kc steps, op(A)(i, p) = a[i·rsA + p·csA]; beta = 0 never reads C.</summary>
    // Not inlined: the driver's live variables would compete for the registers the accumulators need. Fully optimized
    // from the first call (no tier-0 / OSR detour while benchmarks or short runs warm up).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static unsafe void RunStridedA(int kc, float* a, nint rsA, nint csA, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Debug.Assert(kc >= 1);
        // Prefetch the C tile now, so its lines arrive during the k loop instead of stalling the final update.
        for (int i = 0; i < MR; i++)
        {
            float* row = c + i * ldc;
            Sse.Prefetch0(row + 0); Sse.Prefetch0(row + 16); Sse.Prefetch0(row + NR - 1);
        }
        float* a0 = a;
        float* a1 = a + 1 * rsA;
        float* a2 = a + 2 * rsA;
        float* a3 = a + 3 * rsA;
        float* a4 = a + 4 * rsA;
        float* a5 = a + 5 * rsA;
        float* a6 = a + 6 * rsA;
        float* a7 = a + 7 * rsA;
        Vector512<float> c0_0 = Vector512<float>.Zero; Vector512<float> c0_1 = Vector512<float>.Zero;
        Vector512<float> c1_0 = Vector512<float>.Zero; Vector512<float> c1_1 = Vector512<float>.Zero;
        Vector512<float> c2_0 = Vector512<float>.Zero; Vector512<float> c2_1 = Vector512<float>.Zero;
        Vector512<float> c3_0 = Vector512<float>.Zero; Vector512<float> c3_1 = Vector512<float>.Zero;
        Vector512<float> c4_0 = Vector512<float>.Zero; Vector512<float> c4_1 = Vector512<float>.Zero;
        Vector512<float> c5_0 = Vector512<float>.Zero; Vector512<float> c5_1 = Vector512<float>.Zero;
        Vector512<float> c6_0 = Vector512<float>.Zero; Vector512<float> c6_1 = Vector512<float>.Zero;
        Vector512<float> c7_0 = Vector512<float>.Zero; Vector512<float> c7_1 = Vector512<float>.Zero;
        float* end = b + (nint)kc * NR;
        // One k step per iteration: a step is 2·MR FMAs, so the loop's own uops are already a small share; the offset
        // walks along k in csA (1 for row-major A, lda for transposed A, MR for a packed panel).
        for (nint p = 0; b < end; p += csA, b += NR)
        {
            Vector512<float> b0 = Vector512.Load(b + 0); Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> x0 = Vector512.Create(a0[p]);
            c0_0 = Avx512F.FusedMultiplyAdd(x0, b0, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(x0, b1, c0_1);
            Vector512<float> x1 = Vector512.Create(a1[p]);
            c1_0 = Avx512F.FusedMultiplyAdd(x1, b0, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(x1, b1, c1_1);
            Vector512<float> x2 = Vector512.Create(a2[p]);
            c2_0 = Avx512F.FusedMultiplyAdd(x2, b0, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(x2, b1, c2_1);
            Vector512<float> x3 = Vector512.Create(a3[p]);
            c3_0 = Avx512F.FusedMultiplyAdd(x3, b0, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(x3, b1, c3_1);
            Vector512<float> x4 = Vector512.Create(a4[p]);
            c4_0 = Avx512F.FusedMultiplyAdd(x4, b0, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(x4, b1, c4_1);
            Vector512<float> x5 = Vector512.Create(a5[p]);
            c5_0 = Avx512F.FusedMultiplyAdd(x5, b0, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(x5, b1, c5_1);
            Vector512<float> x6 = Vector512.Create(a6[p]);
            c6_0 = Avx512F.FusedMultiplyAdd(x6, b0, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(x6, b1, c6_1);
            Vector512<float> x7 = Vector512.Create(a7[p]);
            c7_0 = Avx512F.FusedMultiplyAdd(x7, b0, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(x7, b1, c7_1);
        }

        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Vector512.Store(c0_0 * va, c + 0 * ldc + 0); Vector512.Store(c0_1 * va, c + 0 * ldc + 16);
            Vector512.Store(c1_0 * va, c + 1 * ldc + 0); Vector512.Store(c1_1 * va, c + 1 * ldc + 16);
            Vector512.Store(c2_0 * va, c + 2 * ldc + 0); Vector512.Store(c2_1 * va, c + 2 * ldc + 16);
            Vector512.Store(c3_0 * va, c + 3 * ldc + 0); Vector512.Store(c3_1 * va, c + 3 * ldc + 16);
            Vector512.Store(c4_0 * va, c + 4 * ldc + 0); Vector512.Store(c4_1 * va, c + 4 * ldc + 16);
            Vector512.Store(c5_0 * va, c + 5 * ldc + 0); Vector512.Store(c5_1 * va, c + 5 * ldc + 16);
            Vector512.Store(c6_0 * va, c + 6 * ldc + 0); Vector512.Store(c6_1 * va, c + 6 * ldc + 16);
            Vector512.Store(c7_0 * va, c + 7 * ldc + 0); Vector512.Store(c7_1 * va, c + 7 * ldc + 16);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            // fma(C, beta, alpha·acc): the same rounding as the scalar edge-tile update, so tile position never changes a bit.
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 0), vb, c0_0 * va), c + 0 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 16), vb, c0_1 * va), c + 0 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 0), vb, c1_0 * va), c + 1 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 16), vb, c1_1 * va), c + 1 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 0), vb, c2_0 * va), c + 2 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 16), vb, c2_1 * va), c + 2 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 0), vb, c3_0 * va), c + 3 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 16), vb, c3_1 * va), c + 3 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 0), vb, c4_0 * va), c + 4 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 16), vb, c4_1 * va), c + 4 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 0), vb, c5_0 * va), c + 5 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 16), vb, c5_1 * va), c + 5 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 6 * ldc + 0), vb, c6_0 * va), c + 6 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 6 * ldc + 16), vb, c6_1 * va), c + 6 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 7 * ldc + 0), vb, c7_0 * va), c + 7 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 7 * ldc + 16), vb, c7_1 * va), c + 7 * ldc + 16);
        }
    }
}
