using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The AVX-512 register tile: 6×64 of C in 24 Vector512 accumulators (6 rows × 4 vectors),
/// fed per k by 4 loads of the packed B row and 6 broadcasts of the packed A column.
/// Written out per ISA and per tile by hand: each accumulator is a named local so the JIT keeps all of them in
/// registers (an array or a width-generic loop spills them), and the tile shape follows from the register count and
/// vector width of the ISA. Listed once in the tile registry (Tuning.Gemm.cs), tested by GemmMicrokernelTester.
/// </summary>
internal readonly struct Microkernel6x64Avx512 : IGemmMicrokernel
{
    public static int MR => 6;
    public static int NR => 64;

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
            Sse.Prefetch0(row + 0); Sse.Prefetch0(row + 16); Sse.Prefetch0(row + 32); Sse.Prefetch0(row + 48); Sse.Prefetch0(row + NR - 1);
        }
        Vector512<float> c0_0 = Vector512<float>.Zero, c0_1 = Vector512<float>.Zero, c0_2 = Vector512<float>.Zero, c0_3 = Vector512<float>.Zero;
        Vector512<float> c1_0 = Vector512<float>.Zero, c1_1 = Vector512<float>.Zero, c1_2 = Vector512<float>.Zero, c1_3 = Vector512<float>.Zero;
        Vector512<float> c2_0 = Vector512<float>.Zero, c2_1 = Vector512<float>.Zero, c2_2 = Vector512<float>.Zero, c2_3 = Vector512<float>.Zero;
        Vector512<float> c3_0 = Vector512<float>.Zero, c3_1 = Vector512<float>.Zero, c3_2 = Vector512<float>.Zero, c3_3 = Vector512<float>.Zero;
        Vector512<float> c4_0 = Vector512<float>.Zero, c4_1 = Vector512<float>.Zero, c4_2 = Vector512<float>.Zero, c4_3 = Vector512<float>.Zero;
        Vector512<float> c5_0 = Vector512<float>.Zero, c5_1 = Vector512<float>.Zero, c5_2 = Vector512<float>.Zero, c5_3 = Vector512<float>.Zero;
        float* end = b + (nint)kc * NR;
        // k unrolled by 4: kc % 4 steps first, then blocks of 4 (fewer loop uops per FMA).
        for (int rem = kc % 4; rem > 0; rem--)
        {
            Vector512<float> b0 = Vector512.Load(b + 0); Vector512<float> b1 = Vector512.Load(b + 16); Vector512<float> b2 = Vector512.Load(b + 32); Vector512<float> b3 = Vector512.Load(b + 48);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0, b0, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0, b1, c0_1); c0_2 = Avx512F.FusedMultiplyAdd(a0, b2, c0_2); c0_3 = Avx512F.FusedMultiplyAdd(a0, b3, c0_3);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1, b0, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1, b1, c1_1); c1_2 = Avx512F.FusedMultiplyAdd(a1, b2, c1_2); c1_3 = Avx512F.FusedMultiplyAdd(a1, b3, c1_3);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2, b0, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2, b1, c2_1); c2_2 = Avx512F.FusedMultiplyAdd(a2, b2, c2_2); c2_3 = Avx512F.FusedMultiplyAdd(a2, b3, c2_3);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3, b0, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3, b1, c3_1); c3_2 = Avx512F.FusedMultiplyAdd(a3, b2, c3_2); c3_3 = Avx512F.FusedMultiplyAdd(a3, b3, c3_3);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4, b0, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4, b1, c4_1); c4_2 = Avx512F.FusedMultiplyAdd(a4, b2, c4_2); c4_3 = Avx512F.FusedMultiplyAdd(a4, b3, c4_3);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5, b0, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5, b1, c5_1); c5_2 = Avx512F.FusedMultiplyAdd(a5, b2, c5_2); c5_3 = Avx512F.FusedMultiplyAdd(a5, b3, c5_3);
            a += 6;
            b += 64;
        }
        while (b < end)
        {
            Vector512<float> b0_0 = Vector512.Load(b + 0); Vector512<float> b1_0 = Vector512.Load(b + 16); Vector512<float> b2_0 = Vector512.Load(b + 32); Vector512<float> b3_0 = Vector512.Load(b + 48);
            Vector512<float> a0_0 = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0_0, b0_0, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0_0, b1_0, c0_1); c0_2 = Avx512F.FusedMultiplyAdd(a0_0, b2_0, c0_2); c0_3 = Avx512F.FusedMultiplyAdd(a0_0, b3_0, c0_3);
            Vector512<float> a1_0 = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1_0, b0_0, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1_0, b1_0, c1_1); c1_2 = Avx512F.FusedMultiplyAdd(a1_0, b2_0, c1_2); c1_3 = Avx512F.FusedMultiplyAdd(a1_0, b3_0, c1_3);
            Vector512<float> a2_0 = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2_0, b0_0, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2_0, b1_0, c2_1); c2_2 = Avx512F.FusedMultiplyAdd(a2_0, b2_0, c2_2); c2_3 = Avx512F.FusedMultiplyAdd(a2_0, b3_0, c2_3);
            Vector512<float> a3_0 = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3_0, b0_0, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3_0, b1_0, c3_1); c3_2 = Avx512F.FusedMultiplyAdd(a3_0, b2_0, c3_2); c3_3 = Avx512F.FusedMultiplyAdd(a3_0, b3_0, c3_3);
            Vector512<float> a4_0 = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4_0, b0_0, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4_0, b1_0, c4_1); c4_2 = Avx512F.FusedMultiplyAdd(a4_0, b2_0, c4_2); c4_3 = Avx512F.FusedMultiplyAdd(a4_0, b3_0, c4_3);
            Vector512<float> a5_0 = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5_0, b0_0, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5_0, b1_0, c5_1); c5_2 = Avx512F.FusedMultiplyAdd(a5_0, b2_0, c5_2); c5_3 = Avx512F.FusedMultiplyAdd(a5_0, b3_0, c5_3);
            Vector512<float> b0_1 = Vector512.Load(b + 64); Vector512<float> b1_1 = Vector512.Load(b + 80); Vector512<float> b2_1 = Vector512.Load(b + 96); Vector512<float> b3_1 = Vector512.Load(b + 112);
            Vector512<float> a0_1 = Vector512.Create(a[6]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0_1, b0_1, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0_1, b1_1, c0_1); c0_2 = Avx512F.FusedMultiplyAdd(a0_1, b2_1, c0_2); c0_3 = Avx512F.FusedMultiplyAdd(a0_1, b3_1, c0_3);
            Vector512<float> a1_1 = Vector512.Create(a[7]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1_1, b0_1, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1_1, b1_1, c1_1); c1_2 = Avx512F.FusedMultiplyAdd(a1_1, b2_1, c1_2); c1_3 = Avx512F.FusedMultiplyAdd(a1_1, b3_1, c1_3);
            Vector512<float> a2_1 = Vector512.Create(a[8]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2_1, b0_1, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2_1, b1_1, c2_1); c2_2 = Avx512F.FusedMultiplyAdd(a2_1, b2_1, c2_2); c2_3 = Avx512F.FusedMultiplyAdd(a2_1, b3_1, c2_3);
            Vector512<float> a3_1 = Vector512.Create(a[9]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3_1, b0_1, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3_1, b1_1, c3_1); c3_2 = Avx512F.FusedMultiplyAdd(a3_1, b2_1, c3_2); c3_3 = Avx512F.FusedMultiplyAdd(a3_1, b3_1, c3_3);
            Vector512<float> a4_1 = Vector512.Create(a[10]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4_1, b0_1, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4_1, b1_1, c4_1); c4_2 = Avx512F.FusedMultiplyAdd(a4_1, b2_1, c4_2); c4_3 = Avx512F.FusedMultiplyAdd(a4_1, b3_1, c4_3);
            Vector512<float> a5_1 = Vector512.Create(a[11]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5_1, b0_1, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5_1, b1_1, c5_1); c5_2 = Avx512F.FusedMultiplyAdd(a5_1, b2_1, c5_2); c5_3 = Avx512F.FusedMultiplyAdd(a5_1, b3_1, c5_3);
            Vector512<float> b0_2 = Vector512.Load(b + 128); Vector512<float> b1_2 = Vector512.Load(b + 144); Vector512<float> b2_2 = Vector512.Load(b + 160); Vector512<float> b3_2 = Vector512.Load(b + 176);
            Vector512<float> a0_2 = Vector512.Create(a[12]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0_2, b0_2, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0_2, b1_2, c0_1); c0_2 = Avx512F.FusedMultiplyAdd(a0_2, b2_2, c0_2); c0_3 = Avx512F.FusedMultiplyAdd(a0_2, b3_2, c0_3);
            Vector512<float> a1_2 = Vector512.Create(a[13]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1_2, b0_2, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1_2, b1_2, c1_1); c1_2 = Avx512F.FusedMultiplyAdd(a1_2, b2_2, c1_2); c1_3 = Avx512F.FusedMultiplyAdd(a1_2, b3_2, c1_3);
            Vector512<float> a2_2 = Vector512.Create(a[14]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2_2, b0_2, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2_2, b1_2, c2_1); c2_2 = Avx512F.FusedMultiplyAdd(a2_2, b2_2, c2_2); c2_3 = Avx512F.FusedMultiplyAdd(a2_2, b3_2, c2_3);
            Vector512<float> a3_2 = Vector512.Create(a[15]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3_2, b0_2, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3_2, b1_2, c3_1); c3_2 = Avx512F.FusedMultiplyAdd(a3_2, b2_2, c3_2); c3_3 = Avx512F.FusedMultiplyAdd(a3_2, b3_2, c3_3);
            Vector512<float> a4_2 = Vector512.Create(a[16]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4_2, b0_2, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4_2, b1_2, c4_1); c4_2 = Avx512F.FusedMultiplyAdd(a4_2, b2_2, c4_2); c4_3 = Avx512F.FusedMultiplyAdd(a4_2, b3_2, c4_3);
            Vector512<float> a5_2 = Vector512.Create(a[17]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5_2, b0_2, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5_2, b1_2, c5_1); c5_2 = Avx512F.FusedMultiplyAdd(a5_2, b2_2, c5_2); c5_3 = Avx512F.FusedMultiplyAdd(a5_2, b3_2, c5_3);
            Vector512<float> b0_3 = Vector512.Load(b + 192); Vector512<float> b1_3 = Vector512.Load(b + 208); Vector512<float> b2_3 = Vector512.Load(b + 224); Vector512<float> b3_3 = Vector512.Load(b + 240);
            Vector512<float> a0_3 = Vector512.Create(a[18]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0_3, b0_3, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(a0_3, b1_3, c0_1); c0_2 = Avx512F.FusedMultiplyAdd(a0_3, b2_3, c0_2); c0_3 = Avx512F.FusedMultiplyAdd(a0_3, b3_3, c0_3);
            Vector512<float> a1_3 = Vector512.Create(a[19]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1_3, b0_3, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(a1_3, b1_3, c1_1); c1_2 = Avx512F.FusedMultiplyAdd(a1_3, b2_3, c1_2); c1_3 = Avx512F.FusedMultiplyAdd(a1_3, b3_3, c1_3);
            Vector512<float> a2_3 = Vector512.Create(a[20]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2_3, b0_3, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(a2_3, b1_3, c2_1); c2_2 = Avx512F.FusedMultiplyAdd(a2_3, b2_3, c2_2); c2_3 = Avx512F.FusedMultiplyAdd(a2_3, b3_3, c2_3);
            Vector512<float> a3_3 = Vector512.Create(a[21]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3_3, b0_3, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(a3_3, b1_3, c3_1); c3_2 = Avx512F.FusedMultiplyAdd(a3_3, b2_3, c3_2); c3_3 = Avx512F.FusedMultiplyAdd(a3_3, b3_3, c3_3);
            Vector512<float> a4_3 = Vector512.Create(a[22]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4_3, b0_3, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(a4_3, b1_3, c4_1); c4_2 = Avx512F.FusedMultiplyAdd(a4_3, b2_3, c4_2); c4_3 = Avx512F.FusedMultiplyAdd(a4_3, b3_3, c4_3);
            Vector512<float> a5_3 = Vector512.Create(a[23]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5_3, b0_3, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(a5_3, b1_3, c5_1); c5_2 = Avx512F.FusedMultiplyAdd(a5_3, b2_3, c5_2); c5_3 = Avx512F.FusedMultiplyAdd(a5_3, b3_3, c5_3);
            a += 24;
            b += 256;
        }

        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Vector512.Store(c0_0 * va, c + 0 * ldc + 0); Vector512.Store(c0_1 * va, c + 0 * ldc + 16); Vector512.Store(c0_2 * va, c + 0 * ldc + 32); Vector512.Store(c0_3 * va, c + 0 * ldc + 48);
            Vector512.Store(c1_0 * va, c + 1 * ldc + 0); Vector512.Store(c1_1 * va, c + 1 * ldc + 16); Vector512.Store(c1_2 * va, c + 1 * ldc + 32); Vector512.Store(c1_3 * va, c + 1 * ldc + 48);
            Vector512.Store(c2_0 * va, c + 2 * ldc + 0); Vector512.Store(c2_1 * va, c + 2 * ldc + 16); Vector512.Store(c2_2 * va, c + 2 * ldc + 32); Vector512.Store(c2_3 * va, c + 2 * ldc + 48);
            Vector512.Store(c3_0 * va, c + 3 * ldc + 0); Vector512.Store(c3_1 * va, c + 3 * ldc + 16); Vector512.Store(c3_2 * va, c + 3 * ldc + 32); Vector512.Store(c3_3 * va, c + 3 * ldc + 48);
            Vector512.Store(c4_0 * va, c + 4 * ldc + 0); Vector512.Store(c4_1 * va, c + 4 * ldc + 16); Vector512.Store(c4_2 * va, c + 4 * ldc + 32); Vector512.Store(c4_3 * va, c + 4 * ldc + 48);
            Vector512.Store(c5_0 * va, c + 5 * ldc + 0); Vector512.Store(c5_1 * va, c + 5 * ldc + 16); Vector512.Store(c5_2 * va, c + 5 * ldc + 32); Vector512.Store(c5_3 * va, c + 5 * ldc + 48);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            // fma(C, beta, alpha·acc): the same rounding as the scalar edge-tile update, so tile position never changes a bit.
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 0), vb, c0_0 * va), c + 0 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 16), vb, c0_1 * va), c + 0 * ldc + 16); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 32), vb, c0_2 * va), c + 0 * ldc + 32); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 48), vb, c0_3 * va), c + 0 * ldc + 48);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 0), vb, c1_0 * va), c + 1 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 16), vb, c1_1 * va), c + 1 * ldc + 16); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 32), vb, c1_2 * va), c + 1 * ldc + 32); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 48), vb, c1_3 * va), c + 1 * ldc + 48);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 0), vb, c2_0 * va), c + 2 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 16), vb, c2_1 * va), c + 2 * ldc + 16); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 32), vb, c2_2 * va), c + 2 * ldc + 32); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 48), vb, c2_3 * va), c + 2 * ldc + 48);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 0), vb, c3_0 * va), c + 3 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 16), vb, c3_1 * va), c + 3 * ldc + 16); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 32), vb, c3_2 * va), c + 3 * ldc + 32); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 48), vb, c3_3 * va), c + 3 * ldc + 48);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 0), vb, c4_0 * va), c + 4 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 16), vb, c4_1 * va), c + 4 * ldc + 16); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 32), vb, c4_2 * va), c + 4 * ldc + 32); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 48), vb, c4_3 * va), c + 4 * ldc + 48);
            Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 0), vb, c5_0 * va), c + 5 * ldc + 0); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 16), vb, c5_1 * va), c + 5 * ldc + 16); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 32), vb, c5_2 * va), c + 5 * ldc + 32); Vector512.Store(Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 48), vb, c5_3 * va), c + 5 * ldc + 48);
        }
    }
}
