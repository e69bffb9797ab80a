using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Skinny no-pack kernel for C = A·op(B) with A row-major (m×k) and few columns: 2 rows of A × 5 columns of op(B),
/// each a k-long dot product vectorized along k (Vector256, 10 accumulators), so every lane does useful work even when
/// n = 10. op(B) columns are contiguous rows of <c>bt</c> (n×k). Rows and columns past the edge are clamped by the caller to
/// valid ones (their results are discarded), so nothing outside the matrices is read.
/// </summary>
internal static unsafe class SkinnyDot2x5Avx2
{
    public const int Rows = 2, Cols = 5;

    /// <summary>out[r·5 + j] = Σₚ a_r[p]·b_j[p] for p in 0..k.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int k, float* a, nint lda, float* bt, nint ldbt, int* rowOffsets, int* colOffsets, float* result)
    {
        Debug.Assert(k >= 0);
        float* a0 = a + rowOffsets[0] * lda;
        float* a1 = a + rowOffsets[1] * lda;
        float* b0 = bt + colOffsets[0] * ldbt;
        float* b1 = bt + colOffsets[1] * ldbt;
        float* b2 = bt + colOffsets[2] * ldbt;
        float* b3 = bt + colOffsets[3] * ldbt;
        float* b4 = bt + colOffsets[4] * ldbt;
        Vector256<float> s0_0 = Vector256<float>.Zero, s0_1 = Vector256<float>.Zero, s0_2 = Vector256<float>.Zero, s0_3 = Vector256<float>.Zero, s0_4 = Vector256<float>.Zero;
        Vector256<float> s1_0 = Vector256<float>.Zero, s1_1 = Vector256<float>.Zero, s1_2 = Vector256<float>.Zero, s1_3 = Vector256<float>.Zero, s1_4 = Vector256<float>.Zero;
        int p = 0;
        for (; p <= k - 8; p += 8)
        {
            Vector256<float> x0 = Vector256.Load(a0 + p);
            Vector256<float> x1 = Vector256.Load(a1 + p);
            Vector256<float> w0 = Vector256.Load(b0 + p);
            s0_0 = Fma.MultiplyAdd(x0, w0, s0_0); s1_0 = Fma.MultiplyAdd(x1, w0, s1_0);
            Vector256<float> w1 = Vector256.Load(b1 + p);
            s0_1 = Fma.MultiplyAdd(x0, w1, s0_1); s1_1 = Fma.MultiplyAdd(x1, w1, s1_1);
            Vector256<float> w2 = Vector256.Load(b2 + p);
            s0_2 = Fma.MultiplyAdd(x0, w2, s0_2); s1_2 = Fma.MultiplyAdd(x1, w2, s1_2);
            Vector256<float> w3 = Vector256.Load(b3 + p);
            s0_3 = Fma.MultiplyAdd(x0, w3, s0_3); s1_3 = Fma.MultiplyAdd(x1, w3, s1_3);
            Vector256<float> w4 = Vector256.Load(b4 + p);
            s0_4 = Fma.MultiplyAdd(x0, w4, s0_4); s1_4 = Fma.MultiplyAdd(x1, w4, s1_4);
        }
        result[0] = Vector256.Sum(s0_0);
        result[1] = Vector256.Sum(s0_1);
        result[2] = Vector256.Sum(s0_2);
        result[3] = Vector256.Sum(s0_3);
        result[4] = Vector256.Sum(s0_4);
        result[5] = Vector256.Sum(s1_0);
        result[6] = Vector256.Sum(s1_1);
        result[7] = Vector256.Sum(s1_2);
        result[8] = Vector256.Sum(s1_3);
        result[9] = Vector256.Sum(s1_4);
        // k tail (fewer than 8): scalar, after the vector sum, in a fixed order.
        for (; p < k; p++)
        {
            float t0 = a0[p];
            result[0] = MathF.FusedMultiplyAdd(t0, b0[p], result[0]); result[1] = MathF.FusedMultiplyAdd(t0, b1[p], result[1]); result[2] = MathF.FusedMultiplyAdd(t0, b2[p], result[2]); result[3] = MathF.FusedMultiplyAdd(t0, b3[p], result[3]); result[4] = MathF.FusedMultiplyAdd(t0, b4[p], result[4]);
            float t1 = a1[p];
            result[5] = MathF.FusedMultiplyAdd(t1, b0[p], result[5]); result[6] = MathF.FusedMultiplyAdd(t1, b1[p], result[6]); result[7] = MathF.FusedMultiplyAdd(t1, b2[p], result[7]); result[8] = MathF.FusedMultiplyAdd(t1, b3[p], result[8]); result[9] = MathF.FusedMultiplyAdd(t1, b4[p], result[9]);
        }
    }
}
