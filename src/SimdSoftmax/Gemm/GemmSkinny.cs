using System.Diagnostics;

namespace SimdSoftmax;

/// <summary>
/// The no-pack ("sup") path for narrow C (n ≤ <see cref="GemmBlocking.SkinnyMaxN"/>, e.g. the classifier's C = 10
/// classes), where packing would cost as much as the multiply and a 16- or 32-wide register tile would waste lanes.
/// Both kernels vectorize along a long dimension instead of n: along k for A·op(B) (dot products), along m for
/// Aᵀ·op(B) (outer products). Each call covers the rows [i0, i1) of C, so threads can split C by rows.
/// </summary>
internal static unsafe class GemmSkinny
{
    /// <summary>Row granularity of a thread's slab of C: every row block starts at a multiple of this.</summary>
    public const int DotRowUnit = 4, OuterRowUnit = 32;

    /// <summary>
    /// C[i0..i1, :] = alpha·A[i0..i1, :]·op(B) + beta·C for A stored m×k. <paramref name="bt"/> holds op(B)ᵀ: row j is
    /// column j of op(B), contiguous along k, row stride <paramref name="ldbt"/>.
    /// </summary>
    public static void Dot(bool avx512, int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* bt, nint ldbt, float beta, float* c, nint ldc)
    {
        Debug.Assert(i0 < i1 && n > 0 && k > 0);
        int rowsPer = avx512 ? SkinnyDot4x5Avx512.Rows : SkinnyDot2x5Avx2.Rows;
        int colsPer = avx512 ? SkinnyDot4x5Avx512.Cols : SkinnyDot2x5Avx2.Cols;
        int* rowOffsets = stackalloc int[8];
        int* colOffsets = stackalloc int[8];
        float* result = stackalloc float[64];
        for (int i = i0; i < i1; i += rowsPer)
        {
            int rows = Math.Min(rowsPer, i1 - i);
            for (int r = 0; r < rowsPer; r++) rowOffsets[r] = Math.Min(r, rows - 1);
            for (int j = 0; j < n; j += colsPer)
            {
                int cols = Math.Min(colsPer, n - j);
                for (int q = 0; q < colsPer; q++) colOffsets[q] = Math.Min(q, cols - 1);
                if (avx512) SkinnyDot4x5Avx512.Run(k, a + i * lda, lda, bt + j * ldbt, ldbt, rowOffsets, colOffsets, result);
                else SkinnyDot2x5Avx2.Run(k, a + i * lda, lda, bt + j * ldbt, ldbt, rowOffsets, colOffsets, result);
                for (int r = 0; r < rows; r++)
                    Update(c + (i + r) * ldc + j, 1, result + r * colsPer, 1, cols, alpha, beta);
            }
        }
    }

    /// <summary>
    /// C[i0..i1, :] = alpha·Aᵀ[i0..i1, :]·op(B) + beta·C for A stored k×m (row stride lda). op(B)[p, j] is at
    /// b + p·bRow + j·bCol.
    /// </summary>
    public static void Outer(bool avx512, int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* b, nint bRow, nint bCol, float beta, float* c, nint ldc)
    {
        Debug.Assert(i0 < i1 && n > 0 && k > 0);
        int width = avx512 ? SkinnyOuter32x10Avx512.Width : SkinnyOuter16x5Avx2.Width;
        int vector = avx512 ? 16 : 8;
        int colsPer = avx512 ? SkinnyOuter32x10Avx512.Cols : SkinnyOuter16x5Avx2.Cols;
        int* vecOffsets = stackalloc int[8];
        int* colOffsets = stackalloc int[16];
        float* result = stackalloc float[512];
        for (int i = i0; i < i1; i += width)
        {
            int fullVectors = Math.Min(width / vector, (i1 - i) / vector);
            if (fullVectors > 0)
            {
                for (int v = 0; v < width / vector; v++) vecOffsets[v] = v < fullVectors ? v * vector : 0;
                for (int j = 0; j < n; j += colsPer)
                {
                    int cols = Math.Min(colsPer, n - j);
                    for (int q = 0; q < colsPer; q++) colOffsets[q] = (int)(Math.Min(q, cols - 1) * bCol);
                    if (avx512) SkinnyOuter32x10Avx512.Run(k, a + i, lda, vecOffsets, b + j * bCol, bRow, colOffsets, result);
                    else SkinnyOuter16x5Avx2.Run(k, a + i, lda, vecOffsets, b + j * bCol, bRow, colOffsets, result);
                    // result is column-major for this strip (row q = column j + q of C): scatter with stride ldc.
                    for (int q = 0; q < cols; q++)
                        Update(c + i * ldc + j + q, ldc, result + q * width, 1, fullVectors * vector, alpha, beta);
                }
            }
            // Columns of stored A past the last full vector: plain sequential dot products.
            for (int ii = i + fullVectors * vector; ii < Math.Min(i + width, i1); ii++)
            {
                for (int j = 0; j < n; j++)
                {
                    float sum = 0f;
                    float* ap = a + ii, bp = b + j * bCol;
                    for (int p = 0; p < k; p++, ap += lda, bp += bRow) sum = MathF.FusedMultiplyAdd(*ap, *bp, sum);
                    Update(c + ii * ldc + j, 1, &sum, 1, 1, alpha, beta);
                }
            }
        }
    }

    /// <summary>Copies op(B) (k×n, stored k×n) transposed into <paramref name="bt"/> (n×k), for <see cref="Dot"/>.</summary>
    public static void TransposeB(int n, int k, float* b, nint ldb, float* bt)
    {
        for (int p = 0; p < k; p++)
        {
            float* row = b + p * ldb;
            for (int j = 0; j < n; j++) bt[j * (nint)k + p] = row[j];
        }
    }

    private static void Update(float* c, nint cStride, float* sums, nint sStride, int count, float alpha, float beta)
    {
        if (beta == 0f)
            for (int t = 0; t < count; t++) c[t * cStride] = sums[t * sStride] * alpha;
        else
            for (int t = 0; t < count; t++) c[t * cStride] = MathF.FusedMultiplyAdd(c[t * cStride], beta, sums[t * sStride] * alpha);
    }
}
