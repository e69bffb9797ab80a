using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The small AVX2+FMA register tile: 4×16 of C in 8 Vector256 accumulators (4 rows × 2 vectors), fed per k by 2 loads
/// of the packed B row and 4 broadcasts from A, which it reads through (row, column) strides: from a packed micro-panel
/// in the blocked nest, in place (row-major or transposed) in the pack-B-only nest of small problems. 64, 128 and 256 are multiples of both 4 and 16, so
/// small square problems run without edge tiles; 8 accumulators just cover two FMA pipes of latency 4. Written out by
/// hand like the other tiles (named accumulators stay in registers); chosen per CPU in Tuning.Gemm.cs, tested by
/// GemmMicrokernelTester.
/// </summary>
internal readonly struct Microkernel4x16Avx2 : IGemmMicrokernelStridedA
{
    public static int MR => 4;
    public static int NR => 16;

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
            Sse.Prefetch0(row + 0); Sse.Prefetch0(row + 8); Sse.Prefetch0(row + NR - 1);
        }
        float* a0 = a;
        float* a1 = a + 1 * rsA;
        float* a2 = a + 2 * rsA;
        float* a3 = a + 3 * rsA;
        Vector256<float> c0_0 = Vector256<float>.Zero; Vector256<float> c0_1 = Vector256<float>.Zero;
        Vector256<float> c1_0 = Vector256<float>.Zero; Vector256<float> c1_1 = Vector256<float>.Zero;
        Vector256<float> c2_0 = Vector256<float>.Zero; Vector256<float> c2_1 = Vector256<float>.Zero;
        Vector256<float> c3_0 = Vector256<float>.Zero; Vector256<float> c3_1 = Vector256<float>.Zero;
        float* end = b + (nint)kc * NR;
        // One k step per iteration: a step is 2·MR FMAs, so the loop's own uops are already a small share; the offset
        // walks along k in csA (1 for row-major A, lda for transposed A, MR for a packed panel).
        for (nint p = 0; b < end; p += csA, b += NR)
        {
            Vector256<float> b0 = Vector256.Load(b + 0); Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> x0 = Vector256.Create(a0[p]);
            c0_0 = Fma.MultiplyAdd(x0, b0, c0_0); c0_1 = Fma.MultiplyAdd(x0, b1, c0_1);
            Vector256<float> x1 = Vector256.Create(a1[p]);
            c1_0 = Fma.MultiplyAdd(x1, b0, c1_0); c1_1 = Fma.MultiplyAdd(x1, b1, c1_1);
            Vector256<float> x2 = Vector256.Create(a2[p]);
            c2_0 = Fma.MultiplyAdd(x2, b0, c2_0); c2_1 = Fma.MultiplyAdd(x2, b1, c2_1);
            Vector256<float> x3 = Vector256.Create(a3[p]);
            c3_0 = Fma.MultiplyAdd(x3, b0, c3_0); c3_1 = Fma.MultiplyAdd(x3, b1, c3_1);
        }

        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Vector256.Store(c0_0 * va, c + 0 * ldc + 0); Vector256.Store(c0_1 * va, c + 0 * ldc + 8);
            Vector256.Store(c1_0 * va, c + 1 * ldc + 0); Vector256.Store(c1_1 * va, c + 1 * ldc + 8);
            Vector256.Store(c2_0 * va, c + 2 * ldc + 0); Vector256.Store(c2_1 * va, c + 2 * ldc + 8);
            Vector256.Store(c3_0 * va, c + 3 * ldc + 0); Vector256.Store(c3_1 * va, c + 3 * ldc + 8);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            // fma(C, beta, alpha·acc): the same rounding as the scalar edge-tile update, so tile position never changes a bit.
            Vector256.Store(Fma.MultiplyAdd(Vector256.Load(c + 0 * ldc + 0), vb, c0_0 * va), c + 0 * ldc + 0); Vector256.Store(Fma.MultiplyAdd(Vector256.Load(c + 0 * ldc + 8), vb, c0_1 * va), c + 0 * ldc + 8);
            Vector256.Store(Fma.MultiplyAdd(Vector256.Load(c + 1 * ldc + 0), vb, c1_0 * va), c + 1 * ldc + 0); Vector256.Store(Fma.MultiplyAdd(Vector256.Load(c + 1 * ldc + 8), vb, c1_1 * va), c + 1 * ldc + 8);
            Vector256.Store(Fma.MultiplyAdd(Vector256.Load(c + 2 * ldc + 0), vb, c2_0 * va), c + 2 * ldc + 0); Vector256.Store(Fma.MultiplyAdd(Vector256.Load(c + 2 * ldc + 8), vb, c2_1 * va), c + 2 * ldc + 8);
            Vector256.Store(Fma.MultiplyAdd(Vector256.Load(c + 3 * ldc + 0), vb, c3_0 * va), c + 3 * ldc + 0); Vector256.Store(Fma.MultiplyAdd(Vector256.Load(c + 3 * ldc + 8), vb, c3_1 * va), c + 3 * ldc + 8);
        }
    }
}
