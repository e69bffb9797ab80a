using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The small AVX2+FMA register tile: 4×16 of C in 8 Vector256 accumulators (4 rows × 2 vectors), fed per k by 2 loads
/// of the packed B row and 4 broadcasts of the packed A column. 64, 128 and 256 are multiples of both 4 and 16, so
/// small square problems run without edge tiles; 8 accumulators just cover two FMA pipes of latency 4. Written out by
/// hand like the other tiles (named accumulators stay in registers); chosen per CPU in Tuning.Gemm.cs, tested by
/// GemmMicrokernelTester.
/// </summary>
internal readonly struct Microkernel4x16Avx2 : IGemmMicrokernel
{
    public static int MR => 4;
    public static int NR => 16;

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
            Sse.Prefetch0(row + 0); Sse.Prefetch0(row + NR - 1);
        }
        Vector256<float> c0_0 = Vector256<float>.Zero, c0_1 = Vector256<float>.Zero;
        Vector256<float> c1_0 = Vector256<float>.Zero, c1_1 = Vector256<float>.Zero;
        Vector256<float> c2_0 = Vector256<float>.Zero, c2_1 = Vector256<float>.Zero;
        Vector256<float> c3_0 = Vector256<float>.Zero, c3_1 = Vector256<float>.Zero;
        float* end = b + (nint)kc * NR;
        // k unrolled by 4: kc % 4 steps first, then blocks of 4 (fewer loop uops per FMA).
        for (int rem = kc % 4; rem > 0; rem--)
        {
            Vector256<float> b0 = Vector256.Load(b + 0); Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> a0 = Vector256.Create(a[0]);
            c0_0 = Fma.MultiplyAdd(a0, b0, c0_0); c0_1 = Fma.MultiplyAdd(a0, b1, c0_1);
            Vector256<float> a1 = Vector256.Create(a[1]);
            c1_0 = Fma.MultiplyAdd(a1, b0, c1_0); c1_1 = Fma.MultiplyAdd(a1, b1, c1_1);
            Vector256<float> a2 = Vector256.Create(a[2]);
            c2_0 = Fma.MultiplyAdd(a2, b0, c2_0); c2_1 = Fma.MultiplyAdd(a2, b1, c2_1);
            Vector256<float> a3 = Vector256.Create(a[3]);
            c3_0 = Fma.MultiplyAdd(a3, b0, c3_0); c3_1 = Fma.MultiplyAdd(a3, b1, c3_1);
            a += 4;
            b += 16;
        }
        while (b < end)
        {
            Vector256<float> b0_0 = Vector256.Load(b + 0); Vector256<float> b1_0 = Vector256.Load(b + 8);
            Vector256<float> a0_0 = Vector256.Create(a[0]);
            c0_0 = Fma.MultiplyAdd(a0_0, b0_0, c0_0); c0_1 = Fma.MultiplyAdd(a0_0, b1_0, c0_1);
            Vector256<float> a1_0 = Vector256.Create(a[1]);
            c1_0 = Fma.MultiplyAdd(a1_0, b0_0, c1_0); c1_1 = Fma.MultiplyAdd(a1_0, b1_0, c1_1);
            Vector256<float> a2_0 = Vector256.Create(a[2]);
            c2_0 = Fma.MultiplyAdd(a2_0, b0_0, c2_0); c2_1 = Fma.MultiplyAdd(a2_0, b1_0, c2_1);
            Vector256<float> a3_0 = Vector256.Create(a[3]);
            c3_0 = Fma.MultiplyAdd(a3_0, b0_0, c3_0); c3_1 = Fma.MultiplyAdd(a3_0, b1_0, c3_1);
            Vector256<float> b0_1 = Vector256.Load(b + 16); Vector256<float> b1_1 = Vector256.Load(b + 24);
            Vector256<float> a0_1 = Vector256.Create(a[4]);
            c0_0 = Fma.MultiplyAdd(a0_1, b0_1, c0_0); c0_1 = Fma.MultiplyAdd(a0_1, b1_1, c0_1);
            Vector256<float> a1_1 = Vector256.Create(a[5]);
            c1_0 = Fma.MultiplyAdd(a1_1, b0_1, c1_0); c1_1 = Fma.MultiplyAdd(a1_1, b1_1, c1_1);
            Vector256<float> a2_1 = Vector256.Create(a[6]);
            c2_0 = Fma.MultiplyAdd(a2_1, b0_1, c2_0); c2_1 = Fma.MultiplyAdd(a2_1, b1_1, c2_1);
            Vector256<float> a3_1 = Vector256.Create(a[7]);
            c3_0 = Fma.MultiplyAdd(a3_1, b0_1, c3_0); c3_1 = Fma.MultiplyAdd(a3_1, b1_1, c3_1);
            Vector256<float> b0_2 = Vector256.Load(b + 32); Vector256<float> b1_2 = Vector256.Load(b + 40);
            Vector256<float> a0_2 = Vector256.Create(a[8]);
            c0_0 = Fma.MultiplyAdd(a0_2, b0_2, c0_0); c0_1 = Fma.MultiplyAdd(a0_2, b1_2, c0_1);
            Vector256<float> a1_2 = Vector256.Create(a[9]);
            c1_0 = Fma.MultiplyAdd(a1_2, b0_2, c1_0); c1_1 = Fma.MultiplyAdd(a1_2, b1_2, c1_1);
            Vector256<float> a2_2 = Vector256.Create(a[10]);
            c2_0 = Fma.MultiplyAdd(a2_2, b0_2, c2_0); c2_1 = Fma.MultiplyAdd(a2_2, b1_2, c2_1);
            Vector256<float> a3_2 = Vector256.Create(a[11]);
            c3_0 = Fma.MultiplyAdd(a3_2, b0_2, c3_0); c3_1 = Fma.MultiplyAdd(a3_2, b1_2, c3_1);
            Vector256<float> b0_3 = Vector256.Load(b + 48); Vector256<float> b1_3 = Vector256.Load(b + 56);
            Vector256<float> a0_3 = Vector256.Create(a[12]);
            c0_0 = Fma.MultiplyAdd(a0_3, b0_3, c0_0); c0_1 = Fma.MultiplyAdd(a0_3, b1_3, c0_1);
            Vector256<float> a1_3 = Vector256.Create(a[13]);
            c1_0 = Fma.MultiplyAdd(a1_3, b0_3, c1_0); c1_1 = Fma.MultiplyAdd(a1_3, b1_3, c1_1);
            Vector256<float> a2_3 = Vector256.Create(a[14]);
            c2_0 = Fma.MultiplyAdd(a2_3, b0_3, c2_0); c2_1 = Fma.MultiplyAdd(a2_3, b1_3, c2_1);
            Vector256<float> a3_3 = Vector256.Create(a[15]);
            c3_0 = Fma.MultiplyAdd(a3_3, b0_3, c3_0); c3_1 = Fma.MultiplyAdd(a3_3, b1_3, c3_1);
            a += 16;
            b += 64;
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
