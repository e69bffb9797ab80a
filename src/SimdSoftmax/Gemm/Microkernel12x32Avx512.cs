using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The AVX-512 register tile: 12×32 of C in 24 Vector512 accumulators (12 rows × 2 vectors),
/// fed per k by 2 loads of the packed B row and 12 broadcasts of the packed A column.
/// Written out per ISA and per tile by hand: each accumulator is a named local so the JIT keeps all of them in
/// registers (an array or a width-generic loop spills them), and the tile shape follows from the register count and
/// vector width of the ISA. Listed once in the tile registry (Tuning.Gemm.cs), tested by GemmMicrokernelTester.
/// </summary>
internal readonly struct Microkernel12x32Avx512 : IGemmMicrokernel
{
    public static int MR => 12;
    public static int NR => 32;

    /// <summary>C[0..MR, 0..NR] = alpha·(Ã·B̃) + beta·C over kc packed steps; beta = 0 never reads C.</summary>
    // Not inlined: the driver's live variables would compete for the registers the accumulators need. Fully optimized
    // from the first call (no tier-0 / OSR detour while benchmarks or short runs warm up).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Debug.Assert(kc >= 1);
        // Prefetch the C tile now, so its lines (MR rows ldc apart, often not cached at large n) arrive during the
        // k loop instead of stalling the final update. Addresses inside the tile only; a prefetch never faults anyway.
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
        Vector512<float> c8_0 = Vector512<float>.Zero, c8_1 = Vector512<float>.Zero;
        Vector512<float> c9_0 = Vector512<float>.Zero, c9_1 = Vector512<float>.Zero;
        Vector512<float> c10_0 = Vector512<float>.Zero, c10_1 = Vector512<float>.Zero;
        Vector512<float> c11_0 = Vector512<float>.Zero, c11_1 = Vector512<float>.Zero;
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
            Vector512<float> a8 = Vector512.Create(a[8]);
            c8_0 = Avx512F.FusedMultiplyAdd(a8, b0, c8_0); c8_1 = Avx512F.FusedMultiplyAdd(a8, b1, c8_1);
            Vector512<float> a9 = Vector512.Create(a[9]);
            c9_0 = Avx512F.FusedMultiplyAdd(a9, b0, c9_0); c9_1 = Avx512F.FusedMultiplyAdd(a9, b1, c9_1);
            Vector512<float> a10 = Vector512.Create(a[10]);
            c10_0 = Avx512F.FusedMultiplyAdd(a10, b0, c10_0); c10_1 = Avx512F.FusedMultiplyAdd(a10, b1, c10_1);
            Vector512<float> a11 = Vector512.Create(a[11]);
            c11_0 = Avx512F.FusedMultiplyAdd(a11, b0, c11_0); c11_1 = Avx512F.FusedMultiplyAdd(a11, b1, c11_1);
            a += 12;
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
            Vector512<float> a8_0 = Vector512.Create(a[8]);
            c8_0 = Avx512F.FusedMultiplyAdd(a8_0, b0_0, c8_0); c8_1 = Avx512F.FusedMultiplyAdd(a8_0, b1_0, c8_1);
            Vector512<float> a9_0 = Vector512.Create(a[9]);
            c9_0 = Avx512F.FusedMultiplyAdd(a9_0, b0_0, c9_0); c9_1 = Avx512F.FusedMultiplyAdd(a9_0, b1_0, c9_1);
            Vector512<float> a10_0 = Vector512.Create(a[10]);
            c10_0 = Avx512F.FusedMultiplyAdd(a10_0, b0_0, c10_0); c10_1 = Avx512F.FusedMultiplyAdd(a10_0, b1_0, c10_1);
            Vector512<float> a11_0 = Vector512.Create(a[11]);
            c11_0 = Avx512F.FusedMultiplyAdd(a11_0, b0_0, c11_0); c11_1 = Avx512F.FusedMultiplyAdd(a11_0, b1_0, c11_1);
            Vector512<float> b0_1 = Vector512.Load(b + 32); Vector512<float> b1_1 = Vector512.Load(b + 48);
            Vector512<float> a0_1 = Vector512.Create(a[12]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0_1, b0_1, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0_1, b1_1, c0_1);
            Vector512<float> a1_1 = Vector512.Create(a[13]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1_1, b0_1, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1_1, b1_1, c1_1);
            Vector512<float> a2_1 = Vector512.Create(a[14]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2_1, b0_1, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2_1, b1_1, c2_1);
            Vector512<float> a3_1 = Vector512.Create(a[15]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3_1, b0_1, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3_1, b1_1, c3_1);
            Vector512<float> a4_1 = Vector512.Create(a[16]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4_1, b0_1, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4_1, b1_1, c4_1);
            Vector512<float> a5_1 = Vector512.Create(a[17]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5_1, b0_1, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5_1, b1_1, c5_1);
            Vector512<float> a6_1 = Vector512.Create(a[18]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6_1, b0_1, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(a6_1, b1_1, c6_1);
            Vector512<float> a7_1 = Vector512.Create(a[19]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7_1, b0_1, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(a7_1, b1_1, c7_1);
            Vector512<float> a8_1 = Vector512.Create(a[20]);
            c8_0 = Avx512F.FusedMultiplyAdd(a8_1, b0_1, c8_0); c8_1 = Avx512F.FusedMultiplyAdd(a8_1, b1_1, c8_1);
            Vector512<float> a9_1 = Vector512.Create(a[21]);
            c9_0 = Avx512F.FusedMultiplyAdd(a9_1, b0_1, c9_0); c9_1 = Avx512F.FusedMultiplyAdd(a9_1, b1_1, c9_1);
            Vector512<float> a10_1 = Vector512.Create(a[22]);
            c10_0 = Avx512F.FusedMultiplyAdd(a10_1, b0_1, c10_0); c10_1 = Avx512F.FusedMultiplyAdd(a10_1, b1_1, c10_1);
            Vector512<float> a11_1 = Vector512.Create(a[23]);
            c11_0 = Avx512F.FusedMultiplyAdd(a11_1, b0_1, c11_0); c11_1 = Avx512F.FusedMultiplyAdd(a11_1, b1_1, c11_1);
            Vector512<float> b0_2 = Vector512.Load(b + 64); Vector512<float> b1_2 = Vector512.Load(b + 80);
            Vector512<float> a0_2 = Vector512.Create(a[24]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0_2, b0_2, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0_2, b1_2, c0_1);
            Vector512<float> a1_2 = Vector512.Create(a[25]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1_2, b0_2, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1_2, b1_2, c1_1);
            Vector512<float> a2_2 = Vector512.Create(a[26]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2_2, b0_2, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2_2, b1_2, c2_1);
            Vector512<float> a3_2 = Vector512.Create(a[27]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3_2, b0_2, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3_2, b1_2, c3_1);
            Vector512<float> a4_2 = Vector512.Create(a[28]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4_2, b0_2, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4_2, b1_2, c4_1);
            Vector512<float> a5_2 = Vector512.Create(a[29]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5_2, b0_2, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5_2, b1_2, c5_1);
            Vector512<float> a6_2 = Vector512.Create(a[30]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6_2, b0_2, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(a6_2, b1_2, c6_1);
            Vector512<float> a7_2 = Vector512.Create(a[31]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7_2, b0_2, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(a7_2, b1_2, c7_1);
            Vector512<float> a8_2 = Vector512.Create(a[32]);
            c8_0 = Avx512F.FusedMultiplyAdd(a8_2, b0_2, c8_0); c8_1 = Avx512F.FusedMultiplyAdd(a8_2, b1_2, c8_1);
            Vector512<float> a9_2 = Vector512.Create(a[33]);
            c9_0 = Avx512F.FusedMultiplyAdd(a9_2, b0_2, c9_0); c9_1 = Avx512F.FusedMultiplyAdd(a9_2, b1_2, c9_1);
            Vector512<float> a10_2 = Vector512.Create(a[34]);
            c10_0 = Avx512F.FusedMultiplyAdd(a10_2, b0_2, c10_0); c10_1 = Avx512F.FusedMultiplyAdd(a10_2, b1_2, c10_1);
            Vector512<float> a11_2 = Vector512.Create(a[35]);
            c11_0 = Avx512F.FusedMultiplyAdd(a11_2, b0_2, c11_0); c11_1 = Avx512F.FusedMultiplyAdd(a11_2, b1_2, c11_1);
            Vector512<float> b0_3 = Vector512.Load(b + 96); Vector512<float> b1_3 = Vector512.Load(b + 112);
            Vector512<float> a0_3 = Vector512.Create(a[36]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0_3, b0_3, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0_3, b1_3, c0_1);
            Vector512<float> a1_3 = Vector512.Create(a[37]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1_3, b0_3, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1_3, b1_3, c1_1);
            Vector512<float> a2_3 = Vector512.Create(a[38]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2_3, b0_3, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2_3, b1_3, c2_1);
            Vector512<float> a3_3 = Vector512.Create(a[39]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3_3, b0_3, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3_3, b1_3, c3_1);
            Vector512<float> a4_3 = Vector512.Create(a[40]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4_3, b0_3, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4_3, b1_3, c4_1);
            Vector512<float> a5_3 = Vector512.Create(a[41]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5_3, b0_3, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5_3, b1_3, c5_1);
            Vector512<float> a6_3 = Vector512.Create(a[42]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6_3, b0_3, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(a6_3, b1_3, c6_1);
            Vector512<float> a7_3 = Vector512.Create(a[43]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7_3, b0_3, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(a7_3, b1_3, c7_1);
            Vector512<float> a8_3 = Vector512.Create(a[44]);
            c8_0 = Avx512F.FusedMultiplyAdd(a8_3, b0_3, c8_0); c8_1 = Avx512F.FusedMultiplyAdd(a8_3, b1_3, c8_1);
            Vector512<float> a9_3 = Vector512.Create(a[45]);
            c9_0 = Avx512F.FusedMultiplyAdd(a9_3, b0_3, c9_0); c9_1 = Avx512F.FusedMultiplyAdd(a9_3, b1_3, c9_1);
            Vector512<float> a10_3 = Vector512.Create(a[46]);
            c10_0 = Avx512F.FusedMultiplyAdd(a10_3, b0_3, c10_0); c10_1 = Avx512F.FusedMultiplyAdd(a10_3, b1_3, c10_1);
            Vector512<float> a11_3 = Vector512.Create(a[47]);
            c11_0 = Avx512F.FusedMultiplyAdd(a11_3, b0_3, c11_0); c11_1 = Avx512F.FusedMultiplyAdd(a11_3, b1_3, c11_1);
            a += 48;
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
            Vector512.Store(c8_0 * va, c + 8 * ldc + 0); Vector512.Store(c8_1 * va, c + 8 * ldc + 16);
            Vector512.Store(c9_0 * va, c + 9 * ldc + 0); Vector512.Store(c9_1 * va, c + 9 * ldc + 16);
            Vector512.Store(c10_0 * va, c + 10 * ldc + 0); Vector512.Store(c10_1 * va, c + 10 * ldc + 16);
            Vector512.Store(c11_0 * va, c + 11 * ldc + 0); Vector512.Store(c11_1 * va, c + 11 * ldc + 16);
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
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 8 * ldc + 0), vb, c8_0 * va), c + 8 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 8 * ldc + 16), vb, c8_1 * va), c + 8 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 9 * ldc + 0), vb, c9_0 * va), c + 9 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 9 * ldc + 16), vb, c9_1 * va), c + 9 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 10 * ldc + 0), vb, c10_0 * va), c + 10 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 10 * ldc + 16), vb, c10_1 * va), c + 10 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 11 * ldc + 0), vb, c11_0 * va), c + 11 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 11 * ldc + 16), vb, c11_1 * va), c + 11 * ldc + 16);
        }
    }
}
