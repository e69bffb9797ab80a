using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Skinny no-pack kernel for C = Aᵀ·op(B) with A stored k×m and few columns (the classifier's Xᵀ·dS): a strip of
/// 32 columns of stored A (2 Vector512 per row, contiguous) × 10 columns of packed op(B), accumulated as outer
/// products (20 accumulators, B values broadcast) into a transposed C buffer <c>ct</c> (row j = column j of C).
/// Vector offsets past the edge are clamped by the caller to valid ones (they recompute and store the same values),
/// so nothing outside the matrices is read or written.
/// Written out per ISA by hand: each accumulator is a named local so the JIT keeps all of them in registers, and the
/// rows × columns it holds follow from the register count and vector width of the ISA. Listed in the ISA type
/// (Isa/*.Gemm.cs), tested by GemmMicrokernelTester.
/// </summary>
internal readonly unsafe struct SkinnyOuter32x10Avx512 : ISkinnyOuterKernel
{
    public static int Width => 32;
    public static int Cols => 10;
    public static int Lanes => 16;

    /// <summary>
    /// ct[j·ctStride + off(i)] (+)= Σₚ a[p·lda + off(i)]·b[p·bStride + j] for p in 0..k; with <paramref name="accumulate"/>
    /// the chains resume from ct's values, so splitting k into chunks rounds exactly like one long chain.
    /// prefetchDistance &gt; 0 prefetches each row's strip that many floats ahead into L2 and the next strip into L1 (same sums).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int k, float* a, nint lda, int* vecOffsets, float* b, nint bStride, float* ct, nint ctStride, bool accumulate,
        nint prefetchDistance = 0)
    {
        Debug.Assert(k >= 1);
        nint o0 = vecOffsets[0];
        nint o1 = vecOffsets[1];
        Vector512<float> s0_0, s1_0, s2_0, s3_0, s4_0, s5_0, s6_0, s7_0, s8_0, s9_0;
        Vector512<float> s0_1, s1_1, s2_1, s3_1, s4_1, s5_1, s6_1, s7_1, s8_1, s9_1;
        if (accumulate)
        {
            s0_0 = Vector512.Load(ct + 0 * ctStride + o0); s0_1 = Vector512.Load(ct + 0 * ctStride + o1);
            s1_0 = Vector512.Load(ct + 1 * ctStride + o0); s1_1 = Vector512.Load(ct + 1 * ctStride + o1);
            s2_0 = Vector512.Load(ct + 2 * ctStride + o0); s2_1 = Vector512.Load(ct + 2 * ctStride + o1);
            s3_0 = Vector512.Load(ct + 3 * ctStride + o0); s3_1 = Vector512.Load(ct + 3 * ctStride + o1);
            s4_0 = Vector512.Load(ct + 4 * ctStride + o0); s4_1 = Vector512.Load(ct + 4 * ctStride + o1);
            s5_0 = Vector512.Load(ct + 5 * ctStride + o0); s5_1 = Vector512.Load(ct + 5 * ctStride + o1);
            s6_0 = Vector512.Load(ct + 6 * ctStride + o0); s6_1 = Vector512.Load(ct + 6 * ctStride + o1);
            s7_0 = Vector512.Load(ct + 7 * ctStride + o0); s7_1 = Vector512.Load(ct + 7 * ctStride + o1);
            s8_0 = Vector512.Load(ct + 8 * ctStride + o0); s8_1 = Vector512.Load(ct + 8 * ctStride + o1);
            s9_0 = Vector512.Load(ct + 9 * ctStride + o0); s9_1 = Vector512.Load(ct + 9 * ctStride + o1);
        }
        else
        {
            s0_0 = Vector512<float>.Zero; s0_1 = Vector512<float>.Zero;
            s1_0 = Vector512<float>.Zero; s1_1 = Vector512<float>.Zero;
            s2_0 = Vector512<float>.Zero; s2_1 = Vector512<float>.Zero;
            s3_0 = Vector512<float>.Zero; s3_1 = Vector512<float>.Zero;
            s4_0 = Vector512<float>.Zero; s4_1 = Vector512<float>.Zero;
            s5_0 = Vector512<float>.Zero; s5_1 = Vector512<float>.Zero;
            s6_0 = Vector512<float>.Zero; s6_1 = Vector512<float>.Zero;
            s7_0 = Vector512<float>.Zero; s7_1 = Vector512<float>.Zero;
            s8_0 = Vector512<float>.Zero; s8_1 = Vector512<float>.Zero;
            s9_0 = Vector512<float>.Zero; s9_1 = Vector512<float>.Zero;
        }
        for (int p = 0; p < k; p++, a += lda, b += bStride)
        {
            if (prefetchDistance != 0)
            {
                // Ask for the strip's lines a distance ahead along each row into L2 (A streams from memory), and for the next
                // strip's lines of this row into L1: down a column strip the L1 misses are strided (one row apart), and the
                // caller comes back to this row for the next strip about k·20 FMAs later.
                Sse.Prefetch1(a + o0 + prefetchDistance); Sse.Prefetch1(a + o1 + prefetchDistance);
                Sse.Prefetch0(a + 32); Sse.Prefetch0(a + 48);
            }
            Vector512<float> x0 = Vector512.Load(a + o0);
            Vector512<float> x1 = Vector512.Load(a + o1);
            Vector512<float> w0 = Vector512.Create(b[0]);
            s0_0 = Avx512F.FusedMultiplyAdd(x0, w0, s0_0); s0_1 = Avx512F.FusedMultiplyAdd(x1, w0, s0_1);
            Vector512<float> w1 = Vector512.Create(b[1]);
            s1_0 = Avx512F.FusedMultiplyAdd(x0, w1, s1_0); s1_1 = Avx512F.FusedMultiplyAdd(x1, w1, s1_1);
            Vector512<float> w2 = Vector512.Create(b[2]);
            s2_0 = Avx512F.FusedMultiplyAdd(x0, w2, s2_0); s2_1 = Avx512F.FusedMultiplyAdd(x1, w2, s2_1);
            Vector512<float> w3 = Vector512.Create(b[3]);
            s3_0 = Avx512F.FusedMultiplyAdd(x0, w3, s3_0); s3_1 = Avx512F.FusedMultiplyAdd(x1, w3, s3_1);
            Vector512<float> w4 = Vector512.Create(b[4]);
            s4_0 = Avx512F.FusedMultiplyAdd(x0, w4, s4_0); s4_1 = Avx512F.FusedMultiplyAdd(x1, w4, s4_1);
            Vector512<float> w5 = Vector512.Create(b[5]);
            s5_0 = Avx512F.FusedMultiplyAdd(x0, w5, s5_0); s5_1 = Avx512F.FusedMultiplyAdd(x1, w5, s5_1);
            Vector512<float> w6 = Vector512.Create(b[6]);
            s6_0 = Avx512F.FusedMultiplyAdd(x0, w6, s6_0); s6_1 = Avx512F.FusedMultiplyAdd(x1, w6, s6_1);
            Vector512<float> w7 = Vector512.Create(b[7]);
            s7_0 = Avx512F.FusedMultiplyAdd(x0, w7, s7_0); s7_1 = Avx512F.FusedMultiplyAdd(x1, w7, s7_1);
            Vector512<float> w8 = Vector512.Create(b[8]);
            s8_0 = Avx512F.FusedMultiplyAdd(x0, w8, s8_0); s8_1 = Avx512F.FusedMultiplyAdd(x1, w8, s8_1);
            Vector512<float> w9 = Vector512.Create(b[9]);
            s9_0 = Avx512F.FusedMultiplyAdd(x0, w9, s9_0); s9_1 = Avx512F.FusedMultiplyAdd(x1, w9, s9_1);
        }
        Vector512.Store(s0_0, ct + 0 * ctStride + o0); Vector512.Store(s0_1, ct + 0 * ctStride + o1);
        Vector512.Store(s1_0, ct + 1 * ctStride + o0); Vector512.Store(s1_1, ct + 1 * ctStride + o1);
        Vector512.Store(s2_0, ct + 2 * ctStride + o0); Vector512.Store(s2_1, ct + 2 * ctStride + o1);
        Vector512.Store(s3_0, ct + 3 * ctStride + o0); Vector512.Store(s3_1, ct + 3 * ctStride + o1);
        Vector512.Store(s4_0, ct + 4 * ctStride + o0); Vector512.Store(s4_1, ct + 4 * ctStride + o1);
        Vector512.Store(s5_0, ct + 5 * ctStride + o0); Vector512.Store(s5_1, ct + 5 * ctStride + o1);
        Vector512.Store(s6_0, ct + 6 * ctStride + o0); Vector512.Store(s6_1, ct + 6 * ctStride + o1);
        Vector512.Store(s7_0, ct + 7 * ctStride + o0); Vector512.Store(s7_1, ct + 7 * ctStride + o1);
        Vector512.Store(s8_0, ct + 8 * ctStride + o0); Vector512.Store(s8_1, ct + 8 * ctStride + o1);
        Vector512.Store(s9_0, ct + 9 * ctStride + o0); Vector512.Store(s9_1, ct + 9 * ctStride + o1);
    }
}
