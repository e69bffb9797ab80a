using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Skinny no-pack kernel for C = A·op(B) with A row-major (m×k) and few columns: 4 rows of A × 5 columns of op(B),
/// each a k-long dot product vectorized along k (Vector512, 20 accumulators), so every lane does useful work even when
/// n = 10. op(B) columns are contiguous rows of <c>bt</c> (n×k). Rows and columns past the edge are clamped by the caller to
/// valid ones (their results are discarded), so nothing outside the matrices is read.
/// </summary>
internal static unsafe class SkinnyDot4x5Avx512
{
    public const int Rows = 4, Cols = 5;

    /// <summary>out[r·5 + j] = Σₚ a_r[p]·b_j[p] for p in 0..k.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int k, float* a, nint lda, float* bt, nint ldbt, int* rowOffsets, int* colOffsets, float* result)
    {
        Debug.Assert(k >= 0);
        float* a0 = a + rowOffsets[0] * lda;
        float* a1 = a + rowOffsets[1] * lda;
        float* a2 = a + rowOffsets[2] * lda;
        float* a3 = a + rowOffsets[3] * lda;
        float* b0 = bt + colOffsets[0] * ldbt;
        float* b1 = bt + colOffsets[1] * ldbt;
        float* b2 = bt + colOffsets[2] * ldbt;
        float* b3 = bt + colOffsets[3] * ldbt;
        float* b4 = bt + colOffsets[4] * ldbt;
        Vector512<float> s0_0 = Vector512<float>.Zero, s0_1 = Vector512<float>.Zero, s0_2 = Vector512<float>.Zero, s0_3 = Vector512<float>.Zero, s0_4 = Vector512<float>.Zero;
        Vector512<float> s1_0 = Vector512<float>.Zero, s1_1 = Vector512<float>.Zero, s1_2 = Vector512<float>.Zero, s1_3 = Vector512<float>.Zero, s1_4 = Vector512<float>.Zero;
        Vector512<float> s2_0 = Vector512<float>.Zero, s2_1 = Vector512<float>.Zero, s2_2 = Vector512<float>.Zero, s2_3 = Vector512<float>.Zero, s2_4 = Vector512<float>.Zero;
        Vector512<float> s3_0 = Vector512<float>.Zero, s3_1 = Vector512<float>.Zero, s3_2 = Vector512<float>.Zero, s3_3 = Vector512<float>.Zero, s3_4 = Vector512<float>.Zero;
        int p = 0;
        for (; p <= k - 16; p += 16)
        {
            Vector512<float> x0 = Vector512.Load(a0 + p);
            Vector512<float> x1 = Vector512.Load(a1 + p);
            Vector512<float> x2 = Vector512.Load(a2 + p);
            Vector512<float> x3 = Vector512.Load(a3 + p);
            Vector512<float> w0 = Vector512.Load(b0 + p);
            s0_0 = Avx512F.FusedMultiplyAdd(x0, w0, s0_0); s1_0 = Avx512F.FusedMultiplyAdd(x1, w0, s1_0); s2_0 = Avx512F.FusedMultiplyAdd(x2, w0, s2_0); s3_0 = Avx512F.FusedMultiplyAdd(x3, w0, s3_0);
            Vector512<float> w1 = Vector512.Load(b1 + p);
            s0_1 = Avx512F.FusedMultiplyAdd(x0, w1, s0_1); s1_1 = Avx512F.FusedMultiplyAdd(x1, w1, s1_1); s2_1 = Avx512F.FusedMultiplyAdd(x2, w1, s2_1); s3_1 = Avx512F.FusedMultiplyAdd(x3, w1, s3_1);
            Vector512<float> w2 = Vector512.Load(b2 + p);
            s0_2 = Avx512F.FusedMultiplyAdd(x0, w2, s0_2); s1_2 = Avx512F.FusedMultiplyAdd(x1, w2, s1_2); s2_2 = Avx512F.FusedMultiplyAdd(x2, w2, s2_2); s3_2 = Avx512F.FusedMultiplyAdd(x3, w2, s3_2);
            Vector512<float> w3 = Vector512.Load(b3 + p);
            s0_3 = Avx512F.FusedMultiplyAdd(x0, w3, s0_3); s1_3 = Avx512F.FusedMultiplyAdd(x1, w3, s1_3); s2_3 = Avx512F.FusedMultiplyAdd(x2, w3, s2_3); s3_3 = Avx512F.FusedMultiplyAdd(x3, w3, s3_3);
            Vector512<float> w4 = Vector512.Load(b4 + p);
            s0_4 = Avx512F.FusedMultiplyAdd(x0, w4, s0_4); s1_4 = Avx512F.FusedMultiplyAdd(x1, w4, s1_4); s2_4 = Avx512F.FusedMultiplyAdd(x2, w4, s2_4); s3_4 = Avx512F.FusedMultiplyAdd(x3, w4, s3_4);
        }
        result[0] = Vector512.Sum(s0_0);
        result[1] = Vector512.Sum(s0_1);
        result[2] = Vector512.Sum(s0_2);
        result[3] = Vector512.Sum(s0_3);
        result[4] = Vector512.Sum(s0_4);
        result[5] = Vector512.Sum(s1_0);
        result[6] = Vector512.Sum(s1_1);
        result[7] = Vector512.Sum(s1_2);
        result[8] = Vector512.Sum(s1_3);
        result[9] = Vector512.Sum(s1_4);
        result[10] = Vector512.Sum(s2_0);
        result[11] = Vector512.Sum(s2_1);
        result[12] = Vector512.Sum(s2_2);
        result[13] = Vector512.Sum(s2_3);
        result[14] = Vector512.Sum(s2_4);
        result[15] = Vector512.Sum(s3_0);
        result[16] = Vector512.Sum(s3_1);
        result[17] = Vector512.Sum(s3_2);
        result[18] = Vector512.Sum(s3_3);
        result[19] = Vector512.Sum(s3_4);
        // k tail (fewer than 16): scalar, after the vector sum, in a fixed order.
        for (; p < k; p++)
        {
            float t0 = a0[p];
            result[0] = MathF.FusedMultiplyAdd(t0, b0[p], result[0]); result[1] = MathF.FusedMultiplyAdd(t0, b1[p], result[1]); result[2] = MathF.FusedMultiplyAdd(t0, b2[p], result[2]); result[3] = MathF.FusedMultiplyAdd(t0, b3[p], result[3]); result[4] = MathF.FusedMultiplyAdd(t0, b4[p], result[4]);
            float t1 = a1[p];
            result[5] = MathF.FusedMultiplyAdd(t1, b0[p], result[5]); result[6] = MathF.FusedMultiplyAdd(t1, b1[p], result[6]); result[7] = MathF.FusedMultiplyAdd(t1, b2[p], result[7]); result[8] = MathF.FusedMultiplyAdd(t1, b3[p], result[8]); result[9] = MathF.FusedMultiplyAdd(t1, b4[p], result[9]);
            float t2 = a2[p];
            result[10] = MathF.FusedMultiplyAdd(t2, b0[p], result[10]); result[11] = MathF.FusedMultiplyAdd(t2, b1[p], result[11]); result[12] = MathF.FusedMultiplyAdd(t2, b2[p], result[12]); result[13] = MathF.FusedMultiplyAdd(t2, b3[p], result[13]); result[14] = MathF.FusedMultiplyAdd(t2, b4[p], result[14]);
            float t3 = a3[p];
            result[15] = MathF.FusedMultiplyAdd(t3, b0[p], result[15]); result[16] = MathF.FusedMultiplyAdd(t3, b1[p], result[16]); result[17] = MathF.FusedMultiplyAdd(t3, b2[p], result[17]); result[18] = MathF.FusedMultiplyAdd(t3, b3[p], result[18]); result[19] = MathF.FusedMultiplyAdd(t3, b4[p], result[19]);
        }
    }
}
