using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Skinny no-pack kernel for C = Aᵀ·op(B) with A stored k×m and few columns (the classifier's Xᵀ·dS): a strip of
/// 16 columns of stored A (2 Vector256 per row, contiguous) × 5 columns of op(B), accumulated over all k as outer
/// products (10 accumulators, B values broadcast). Vector and column offsets past the edge are clamped by the
/// caller to valid ones (results discarded), so nothing outside the matrices is read.
/// </summary>
internal static unsafe class SkinnyOuter16x5Avx2
{
    public const int Width = 16, Cols = 5;

    /// <summary>result[j·16 + i] = Σₚ a[p·lda + vecOffset(i)]·b[p·bRow + colOffset(j)] for p in 0..k.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Run(int k, float* a, nint lda, int* vecOffsets, float* b, nint bRow, int* colOffsets, float* result)
    {
        Debug.Assert(k >= 1);
        nint o0 = vecOffsets[0];
        nint o1 = vecOffsets[1];
        nint q0 = colOffsets[0];
        nint q1 = colOffsets[1];
        nint q2 = colOffsets[2];
        nint q3 = colOffsets[3];
        nint q4 = colOffsets[4];
        Vector256<float> s0_0 = Vector256<float>.Zero, s1_0 = Vector256<float>.Zero, s2_0 = Vector256<float>.Zero, s3_0 = Vector256<float>.Zero, s4_0 = Vector256<float>.Zero;
        Vector256<float> s0_1 = Vector256<float>.Zero, s1_1 = Vector256<float>.Zero, s2_1 = Vector256<float>.Zero, s3_1 = Vector256<float>.Zero, s4_1 = Vector256<float>.Zero;
        for (int p = 0; p < k; p++, a += lda, b += bRow)
        {
            Vector256<float> x0 = Vector256.Load(a + o0);
            Vector256<float> x1 = Vector256.Load(a + o1);
            Vector256<float> w0 = Vector256.Create(b[q0]);
            s0_0 = Fma.MultiplyAdd(x0, w0, s0_0); s0_1 = Fma.MultiplyAdd(x1, w0, s0_1);
            Vector256<float> w1 = Vector256.Create(b[q1]);
            s1_0 = Fma.MultiplyAdd(x0, w1, s1_0); s1_1 = Fma.MultiplyAdd(x1, w1, s1_1);
            Vector256<float> w2 = Vector256.Create(b[q2]);
            s2_0 = Fma.MultiplyAdd(x0, w2, s2_0); s2_1 = Fma.MultiplyAdd(x1, w2, s2_1);
            Vector256<float> w3 = Vector256.Create(b[q3]);
            s3_0 = Fma.MultiplyAdd(x0, w3, s3_0); s3_1 = Fma.MultiplyAdd(x1, w3, s3_1);
            Vector256<float> w4 = Vector256.Create(b[q4]);
            s4_0 = Fma.MultiplyAdd(x0, w4, s4_0); s4_1 = Fma.MultiplyAdd(x1, w4, s4_1);
        }
        Vector256.Store(s0_0, result + 0); Vector256.Store(s0_1, result + 8);
        Vector256.Store(s1_0, result + 16); Vector256.Store(s1_1, result + 24);
        Vector256.Store(s2_0, result + 32); Vector256.Store(s2_1, result + 40);
        Vector256.Store(s3_0, result + 48); Vector256.Store(s3_1, result + 56);
        Vector256.Store(s4_0, result + 64); Vector256.Store(s4_1, result + 72);
    }
}
