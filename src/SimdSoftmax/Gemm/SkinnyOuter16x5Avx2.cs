using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Skinny no-pack kernel for C = Aᵀ·op(B) with A stored k×m and few columns (the classifier's Xᵀ·dS): a strip of
/// 16 columns of stored A (2 Vector256 per row, contiguous) × 5 columns of packed op(B), accumulated as outer
/// products (10 accumulators, B values broadcast) into a transposed C buffer <c>ct</c> (row j = column j of C).
/// Vector offsets past the edge are clamped by the caller to valid ones (they recompute and store the same values),
/// so nothing outside the matrices is read or written.
/// Written out per ISA by hand: each accumulator is a named local so the JIT keeps all of them in registers, and the
/// rows × columns it holds follow from the register count and vector width of the ISA. Listed in the ISA type
/// (Isa/*.Gemm.cs), tested by GemmMicrokernelTester.
/// </summary>
internal readonly unsafe struct SkinnyOuter16x5Avx2 : ISkinnyOuterKernel
{
    public static int Width => 16;
    public static int Cols => 5;
    public static int Lanes => 8;

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
        Vector256<float> s0_0, s1_0, s2_0, s3_0, s4_0;
        Vector256<float> s0_1, s1_1, s2_1, s3_1, s4_1;
        if (accumulate)
        {
            s0_0 = Vector256.Load(ct + 0 * ctStride + o0); s0_1 = Vector256.Load(ct + 0 * ctStride + o1);
            s1_0 = Vector256.Load(ct + 1 * ctStride + o0); s1_1 = Vector256.Load(ct + 1 * ctStride + o1);
            s2_0 = Vector256.Load(ct + 2 * ctStride + o0); s2_1 = Vector256.Load(ct + 2 * ctStride + o1);
            s3_0 = Vector256.Load(ct + 3 * ctStride + o0); s3_1 = Vector256.Load(ct + 3 * ctStride + o1);
            s4_0 = Vector256.Load(ct + 4 * ctStride + o0); s4_1 = Vector256.Load(ct + 4 * ctStride + o1);
        }
        else
        {
            s0_0 = Vector256<float>.Zero; s0_1 = Vector256<float>.Zero;
            s1_0 = Vector256<float>.Zero; s1_1 = Vector256<float>.Zero;
            s2_0 = Vector256<float>.Zero; s2_1 = Vector256<float>.Zero;
            s3_0 = Vector256<float>.Zero; s3_1 = Vector256<float>.Zero;
            s4_0 = Vector256<float>.Zero; s4_1 = Vector256<float>.Zero;
        }
        for (int p = 0; p < k; p++, a += lda, b += bStride)
        {
            if (prefetchDistance != 0)
            {
                // Each row's strip a distance ahead into L2 (A streams from memory), and the next strip of this row into L1
                // (down a column strip the L1 misses are strided; see SkinnyOuter32x10Avx512).
                Sse.Prefetch1(a + o0 + prefetchDistance); Sse.Prefetch1(a + o1 + prefetchDistance);
                Sse.Prefetch0(a + 16);
            }
            Vector256<float> x0 = Vector256.Load(a + o0);
            Vector256<float> x1 = Vector256.Load(a + o1);
            Vector256<float> w0 = Vector256.Create(b[0]);
            s0_0 = Fma.MultiplyAdd(x0, w0, s0_0); s0_1 = Fma.MultiplyAdd(x1, w0, s0_1);
            Vector256<float> w1 = Vector256.Create(b[1]);
            s1_0 = Fma.MultiplyAdd(x0, w1, s1_0); s1_1 = Fma.MultiplyAdd(x1, w1, s1_1);
            Vector256<float> w2 = Vector256.Create(b[2]);
            s2_0 = Fma.MultiplyAdd(x0, w2, s2_0); s2_1 = Fma.MultiplyAdd(x1, w2, s2_1);
            Vector256<float> w3 = Vector256.Create(b[3]);
            s3_0 = Fma.MultiplyAdd(x0, w3, s3_0); s3_1 = Fma.MultiplyAdd(x1, w3, s3_1);
            Vector256<float> w4 = Vector256.Create(b[4]);
            s4_0 = Fma.MultiplyAdd(x0, w4, s4_0); s4_1 = Fma.MultiplyAdd(x1, w4, s4_1);
        }
        Vector256.Store(s0_0, ct + 0 * ctStride + o0); Vector256.Store(s0_1, ct + 0 * ctStride + o1);
        Vector256.Store(s1_0, ct + 1 * ctStride + o0); Vector256.Store(s1_1, ct + 1 * ctStride + o1);
        Vector256.Store(s2_0, ct + 2 * ctStride + o0); Vector256.Store(s2_1, ct + 2 * ctStride + o1);
        Vector256.Store(s3_0, ct + 3 * ctStride + o0); Vector256.Store(s3_1, ct + 3 * ctStride + o1);
        Vector256.Store(s4_0, ct + 4 * ctStride + o0); Vector256.Store(s4_1, ct + 4 * ctStride + o1);
    }
}
