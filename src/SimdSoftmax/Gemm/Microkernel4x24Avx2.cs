using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The wide AVX2+FMA register tile: 4×24 of C in 12 Vector256 accumulators (4 rows × 3 vectors), fed per k by 3 loads
/// of the packed B row and 4 broadcasts of the packed A column: 7 loads per 12 FMAs against 8 for 6×16 and 6 per 8
/// for 4×16, with the 12 independent chains 6×16 has (4×16's 8 just cover two FMA pipes of latency 4). 12 accumulators
/// + 3 B vectors + 1 broadcast use all 16 ymm registers, so it spills nothing without AVX-512's extra registers.
/// Written out by hand like the other tiles; chosen per CPU in Tuning.Gemm.cs, tested by GemmMicrokernelTester.
/// </summary>
internal readonly struct Microkernel4x24Avx2 : IGemmMicrokernel
{
    public static int MR => 4;
    public static int NR => 24;

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
        Vector256<float> c0_0 = Vector256<float>.Zero, c0_1 = Vector256<float>.Zero, c0_2 = Vector256<float>.Zero;
        Vector256<float> c1_0 = Vector256<float>.Zero, c1_1 = Vector256<float>.Zero, c1_2 = Vector256<float>.Zero;
        Vector256<float> c2_0 = Vector256<float>.Zero, c2_1 = Vector256<float>.Zero, c2_2 = Vector256<float>.Zero;
        Vector256<float> c3_0 = Vector256<float>.Zero, c3_1 = Vector256<float>.Zero, c3_2 = Vector256<float>.Zero;
        float* end = b + (nint)kc * NR;
        // One k step per iteration: 12 FMAs a step already dwarf the loop's own uops.
        for (; b < end; a += MR, b += NR)
        {
            Vector256<float> b0 = Vector256.Load(b + 0), b1 = Vector256.Load(b + 8), b2 = Vector256.Load(b + 16);
            Vector256<float> x = Vector256.Create(a[0]);
            c0_0 = Fma.MultiplyAdd(x, b0, c0_0); c0_1 = Fma.MultiplyAdd(x, b1, c0_1); c0_2 = Fma.MultiplyAdd(x, b2, c0_2);
            x = Vector256.Create(a[1]);
            c1_0 = Fma.MultiplyAdd(x, b0, c1_0); c1_1 = Fma.MultiplyAdd(x, b1, c1_1); c1_2 = Fma.MultiplyAdd(x, b2, c1_2);
            x = Vector256.Create(a[2]);
            c2_0 = Fma.MultiplyAdd(x, b0, c2_0); c2_1 = Fma.MultiplyAdd(x, b1, c2_1); c2_2 = Fma.MultiplyAdd(x, b2, c2_2);
            x = Vector256.Create(a[3]);
            c3_0 = Fma.MultiplyAdd(x, b0, c3_0); c3_1 = Fma.MultiplyAdd(x, b1, c3_1); c3_2 = Fma.MultiplyAdd(x, b2, c3_2);
        }

        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Vector256.Store(c0_0 * va, c + 0 * ldc + 0); Vector256.Store(c0_1 * va, c + 0 * ldc + 8); Vector256.Store(c0_2 * va, c + 0 * ldc + 16);
            Vector256.Store(c1_0 * va, c + 1 * ldc + 0); Vector256.Store(c1_1 * va, c + 1 * ldc + 8); Vector256.Store(c1_2 * va, c + 1 * ldc + 16);
            Vector256.Store(c2_0 * va, c + 2 * ldc + 0); Vector256.Store(c2_1 * va, c + 2 * ldc + 8); Vector256.Store(c2_2 * va, c + 2 * ldc + 16);
            Vector256.Store(c3_0 * va, c + 3 * ldc + 0); Vector256.Store(c3_1 * va, c + 3 * ldc + 8); Vector256.Store(c3_2 * va, c + 3 * ldc + 16);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            // fma(C, beta, alpha·acc): the same rounding as the scalar edge-tile update, so tile position never changes a bit.
            Update(c + 0 * ldc, c0_0, c0_1, c0_2, va, vb);
            Update(c + 1 * ldc, c1_0, c1_1, c1_2, va, vb);
            Update(c + 2 * ldc, c2_0, c2_1, c2_2, va, vb);
            Update(c + 3 * ldc, c3_0, c3_1, c3_2, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Update(float* row, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> va, Vector256<float> vb)
    {
        Vector256.Store(Fma.MultiplyAdd(Vector256.Load(row + 0), vb, s0 * va), row + 0);
        Vector256.Store(Fma.MultiplyAdd(Vector256.Load(row + 8), vb, s1 * va), row + 8);
        Vector256.Store(Fma.MultiplyAdd(Vector256.Load(row + 16), vb, s2 * va), row + 16);
    }
}
