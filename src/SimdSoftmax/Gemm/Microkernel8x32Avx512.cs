using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The small AVX-512 register tile: 8×32 of C in 16 Vector512 accumulators (8 rows × 2 vectors), fed per k by 2 loads
/// of the packed B row and 8 broadcasts of the packed A column. 64, 128 and 256 are multiples of both 8 and 32, so
/// small square problems run without edge tiles. Its FMA:load ratio (16:10) is lower than the big tiles', which a
/// core that retires one 512-bit FMA per cycle (Zen 4's two 256-bit halves) does not notice; see Tuning.Gemm.cs.
/// Written out by hand like the other tiles (named accumulators stay in registers); tested by GemmMicrokernelTester.
/// </summary>
internal readonly struct Microkernel8x32Avx512 : IGemmMicrokernel
{
    public static int MR => 8;
    public static int NR => 32;

    /// <summary>C[0..MR, 0..NR] = alpha·(Ã·B̃) + beta·C over kc packed steps; beta = 0 never reads C.</summary>
    // Not inlined: the driver's live variables would compete for the registers the accumulators need. Fully optimized
    // from the first call (no tier-0 / OSR detour while benchmarks or short runs warm up).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Debug.Assert(kc >= 1);
        // Prefetch the C tile now, so its lines arrive during the k loop instead of stalling the final update.
        for (int i = 0; i < MR; i++)
        {
            float* row = c + i * ldc;
            Sse.Prefetch0(row + 0); Sse.Prefetch0(row + 16); Sse.Prefetch0(row + NR - 1);
        }
        Vector512<float> c0_0 = Vector512<float>.Zero, c0_1 = Vector512<float>.Zero;
        Vector512<float> c1_0 = Vector512<float>.Zero, c1_1 = Vector512<float>.Zero;
        Vector512<float> c2_0 = Vector512<float>.Zero, c2_1 = Vector512<float>.Zero;
        Vector512<float> c3_0 = Vector512<float>.Zero, c3_1 = Vector512<float>.Zero;
        Vector512<float> c4_0 = Vector512<float>.Zero, c4_1 = Vector512<float>.Zero;
        Vector512<float> c5_0 = Vector512<float>.Zero, c5_1 = Vector512<float>.Zero;
        Vector512<float> c6_0 = Vector512<float>.Zero, c6_1 = Vector512<float>.Zero;
        Vector512<float> c7_0 = Vector512<float>.Zero, c7_1 = Vector512<float>.Zero;
        float* end = b + (nint)kc * NR;
        // k unrolled by 4: kc % 4 steps first, then blocks of 4 (fewer loop uops per FMA).
        for (int rem = kc % 4; rem > 0; rem--)
        {
            Vector512<float> b0 = Vector512.Load(b + 0); Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0, b0, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0, b1, c0_1);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1, b0, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1, b1, c1_1);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2, b0, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2, b1, c2_1);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3, b0, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3, b1, c3_1);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4, b0, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4, b1, c4_1);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5, b0, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5, b1, c5_1);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6, b0, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(a6, b1, c6_1);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7, b0, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(a7, b1, c7_1);
            a += 8;
            b += 32;
        }
        while (b < end)
        {
            Vector512<float> b0_0 = Vector512.Load(b + 0); Vector512<float> b1_0 = Vector512.Load(b + 16);
            Vector512<float> a0_0 = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0_0, b0_0, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0_0, b1_0, c0_1);
            Vector512<float> a1_0 = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1_0, b0_0, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1_0, b1_0, c1_1);
            Vector512<float> a2_0 = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2_0, b0_0, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2_0, b1_0, c2_1);
            Vector512<float> a3_0 = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3_0, b0_0, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3_0, b1_0, c3_1);
            Vector512<float> a4_0 = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4_0, b0_0, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4_0, b1_0, c4_1);
            Vector512<float> a5_0 = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5_0, b0_0, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5_0, b1_0, c5_1);
            Vector512<float> a6_0 = Vector512.Create(a[6]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6_0, b0_0, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(a6_0, b1_0, c6_1);
            Vector512<float> a7_0 = Vector512.Create(a[7]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7_0, b0_0, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(a7_0, b1_0, c7_1);
            Vector512<float> b0_1 = Vector512.Load(b + 32); Vector512<float> b1_1 = Vector512.Load(b + 48);
            Vector512<float> a0_1 = Vector512.Create(a[8]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0_1, b0_1, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0_1, b1_1, c0_1);
            Vector512<float> a1_1 = Vector512.Create(a[9]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1_1, b0_1, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1_1, b1_1, c1_1);
            Vector512<float> a2_1 = Vector512.Create(a[10]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2_1, b0_1, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2_1, b1_1, c2_1);
            Vector512<float> a3_1 = Vector512.Create(a[11]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3_1, b0_1, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3_1, b1_1, c3_1);
            Vector512<float> a4_1 = Vector512.Create(a[12]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4_1, b0_1, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4_1, b1_1, c4_1);
            Vector512<float> a5_1 = Vector512.Create(a[13]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5_1, b0_1, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5_1, b1_1, c5_1);
            Vector512<float> a6_1 = Vector512.Create(a[14]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6_1, b0_1, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(a6_1, b1_1, c6_1);
            Vector512<float> a7_1 = Vector512.Create(a[15]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7_1, b0_1, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(a7_1, b1_1, c7_1);
            Vector512<float> b0_2 = Vector512.Load(b + 64); Vector512<float> b1_2 = Vector512.Load(b + 80);
            Vector512<float> a0_2 = Vector512.Create(a[16]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0_2, b0_2, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0_2, b1_2, c0_1);
            Vector512<float> a1_2 = Vector512.Create(a[17]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1_2, b0_2, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1_2, b1_2, c1_1);
            Vector512<float> a2_2 = Vector512.Create(a[18]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2_2, b0_2, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2_2, b1_2, c2_1);
            Vector512<float> a3_2 = Vector512.Create(a[19]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3_2, b0_2, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3_2, b1_2, c3_1);
            Vector512<float> a4_2 = Vector512.Create(a[20]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4_2, b0_2, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4_2, b1_2, c4_1);
            Vector512<float> a5_2 = Vector512.Create(a[21]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5_2, b0_2, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5_2, b1_2, c5_1);
            Vector512<float> a6_2 = Vector512.Create(a[22]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6_2, b0_2, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(a6_2, b1_2, c6_1);
            Vector512<float> a7_2 = Vector512.Create(a[23]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7_2, b0_2, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(a7_2, b1_2, c7_1);
            Vector512<float> b0_3 = Vector512.Load(b + 96); Vector512<float> b1_3 = Vector512.Load(b + 112);
            Vector512<float> a0_3 = Vector512.Create(a[24]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0_3, b0_3, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0_3, b1_3, c0_1);
            Vector512<float> a1_3 = Vector512.Create(a[25]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1_3, b0_3, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1_3, b1_3, c1_1);
            Vector512<float> a2_3 = Vector512.Create(a[26]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2_3, b0_3, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2_3, b1_3, c2_1);
            Vector512<float> a3_3 = Vector512.Create(a[27]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3_3, b0_3, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3_3, b1_3, c3_1);
            Vector512<float> a4_3 = Vector512.Create(a[28]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4_3, b0_3, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4_3, b1_3, c4_1);
            Vector512<float> a5_3 = Vector512.Create(a[29]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5_3, b0_3, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5_3, b1_3, c5_1);
            Vector512<float> a6_3 = Vector512.Create(a[30]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6_3, b0_3, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(a6_3, b1_3, c6_1);
            Vector512<float> a7_3 = Vector512.Create(a[31]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7_3, b0_3, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(a7_3, b1_3, c7_1);
            a += 32;
            b += 128;
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
