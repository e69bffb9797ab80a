using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Skinny no-pack kernel for C = Aᵀ·op(B) with A stored k×m and few columns (the classifier's Xᵀ·dS): a strip of
/// 32 columns of stored A (2 Vector512 per row, contiguous) × 10 columns of op(B), accumulated over all k as outer
/// products (20 accumulators, B values broadcast). Vector and column offsets past the edge are clamped by the
/// caller to valid ones (results discarded), so nothing outside the matrices is read.
/// </summary>
internal static unsafe class SkinnyOuter32x10Avx512
{
    public const int Width = 32, Cols = 10;

    /// <summary>result[j·32 + i] = Σₚ a[p·lda + vecOffset(i)]·b[p·bRow + colOffset(j)] for p in 0..k.</summary>
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
        nint q5 = colOffsets[5];
        nint q6 = colOffsets[6];
        nint q7 = colOffsets[7];
        nint q8 = colOffsets[8];
        nint q9 = colOffsets[9];
        Vector512<float> s0_0 = Vector512<float>.Zero, s1_0 = Vector512<float>.Zero, s2_0 = Vector512<float>.Zero, s3_0 = Vector512<float>.Zero, s4_0 = Vector512<float>.Zero, s5_0 = Vector512<float>.Zero, s6_0 = Vector512<float>.Zero, s7_0 = Vector512<float>.Zero, s8_0 = Vector512<float>.Zero, s9_0 = Vector512<float>.Zero;
        Vector512<float> s0_1 = Vector512<float>.Zero, s1_1 = Vector512<float>.Zero, s2_1 = Vector512<float>.Zero, s3_1 = Vector512<float>.Zero, s4_1 = Vector512<float>.Zero, s5_1 = Vector512<float>.Zero, s6_1 = Vector512<float>.Zero, s7_1 = Vector512<float>.Zero, s8_1 = Vector512<float>.Zero, s9_1 = Vector512<float>.Zero;
        for (int p = 0; p < k; p++, a += lda, b += bRow)
        {
            Vector512<float> x0 = Vector512.Load(a + o0);
            Vector512<float> x1 = Vector512.Load(a + o1);
            Vector512<float> w0 = Vector512.Create(b[q0]);
            s0_0 = Avx512F.FusedMultiplyAdd(x0, w0, s0_0); s0_1 = Avx512F.FusedMultiplyAdd(x1, w0, s0_1);
            Vector512<float> w1 = Vector512.Create(b[q1]);
            s1_0 = Avx512F.FusedMultiplyAdd(x0, w1, s1_0); s1_1 = Avx512F.FusedMultiplyAdd(x1, w1, s1_1);
            Vector512<float> w2 = Vector512.Create(b[q2]);
            s2_0 = Avx512F.FusedMultiplyAdd(x0, w2, s2_0); s2_1 = Avx512F.FusedMultiplyAdd(x1, w2, s2_1);
            Vector512<float> w3 = Vector512.Create(b[q3]);
            s3_0 = Avx512F.FusedMultiplyAdd(x0, w3, s3_0); s3_1 = Avx512F.FusedMultiplyAdd(x1, w3, s3_1);
            Vector512<float> w4 = Vector512.Create(b[q4]);
            s4_0 = Avx512F.FusedMultiplyAdd(x0, w4, s4_0); s4_1 = Avx512F.FusedMultiplyAdd(x1, w4, s4_1);
            Vector512<float> w5 = Vector512.Create(b[q5]);
            s5_0 = Avx512F.FusedMultiplyAdd(x0, w5, s5_0); s5_1 = Avx512F.FusedMultiplyAdd(x1, w5, s5_1);
            Vector512<float> w6 = Vector512.Create(b[q6]);
            s6_0 = Avx512F.FusedMultiplyAdd(x0, w6, s6_0); s6_1 = Avx512F.FusedMultiplyAdd(x1, w6, s6_1);
            Vector512<float> w7 = Vector512.Create(b[q7]);
            s7_0 = Avx512F.FusedMultiplyAdd(x0, w7, s7_0); s7_1 = Avx512F.FusedMultiplyAdd(x1, w7, s7_1);
            Vector512<float> w8 = Vector512.Create(b[q8]);
            s8_0 = Avx512F.FusedMultiplyAdd(x0, w8, s8_0); s8_1 = Avx512F.FusedMultiplyAdd(x1, w8, s8_1);
            Vector512<float> w9 = Vector512.Create(b[q9]);
            s9_0 = Avx512F.FusedMultiplyAdd(x0, w9, s9_0); s9_1 = Avx512F.FusedMultiplyAdd(x1, w9, s9_1);
        }
        Vector512.Store(s0_0, result + 0); Vector512.Store(s0_1, result + 16);
        Vector512.Store(s1_0, result + 32); Vector512.Store(s1_1, result + 48);
        Vector512.Store(s2_0, result + 64); Vector512.Store(s2_1, result + 80);
        Vector512.Store(s3_0, result + 96); Vector512.Store(s3_1, result + 112);
        Vector512.Store(s4_0, result + 128); Vector512.Store(s4_1, result + 144);
        Vector512.Store(s5_0, result + 160); Vector512.Store(s5_1, result + 176);
        Vector512.Store(s6_0, result + 192); Vector512.Store(s6_1, result + 208);
        Vector512.Store(s7_0, result + 224); Vector512.Store(s7_1, result + 240);
        Vector512.Store(s8_0, result + 256); Vector512.Store(s8_1, result + 272);
        Vector512.Store(s9_0, result + 288); Vector512.Store(s9_1, result + 304);
    }
}
