using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimdSoftmax;

/// <summary>
/// Packing (BLIS <c>packm</c>): copies a block of op(A) or op(B) into the micro-panel order the microkernels stream,
/// zero-filling partial panels so the kernels always run full tiles. Transposes are absorbed here.
/// </summary>
internal static unsafe class PackPanels
{
    /// <summary>
    /// Packs op(A)[i0..i0+mc, p0..p0+kc] as ⌈mc/MR⌉ micro-panels of MR rows: panel r holds, for each p, the MR values
    /// of column p (rows past mc are 0). Stored A is m×k (row stride lda) or k×m when transposed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackPanelA(int mr, bool transA, float* a, nint lda, int i0, int p0, int mc, int kc, float* dst)
    {
        Debug.Assert(mr > 0 && mc > 0 && kc > 0);
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            if (transA)
            {
                // Stored k×m: each p row holds the mr values contiguously.
                float* src = a + (nint)p0 * lda + i0 + ir;
                for (int p = 0; p < kc; p++, src += lda, dst += mr)
                {
                    int r = 0;
                    for (; r < rows; r++) dst[r] = src[r];
                    for (; r < mr; r++) dst[r] = 0f;
                }
            }
            else
            {
                // Stored m×k: gather one element from each of the mr rows per p.
                float* src = a + (nint)(i0 + ir) * lda + p0;
                if (rows == mr)
                {
                    for (int p = 0; p < kc; p++, dst += mr)
                    {
                        float* s = src + p;
                        for (int r = 0; r < mr; r++, s += lda) dst[r] = *s;
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++, dst += mr)
                    {
                        int r = 0;
                        for (; r < rows; r++) dst[r] = src[r * lda + p];
                        for (; r < mr; r++) dst[r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] as ⌈nc/NR⌉ micro-panels of NR columns: panel j holds, for each p, NR
    /// consecutive values of row p (columns past nc are 0). Stored B is k×n (row stride ldb) or n×k when transposed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackPanelB(int nr, bool transB, float* b, nint ldb, int p0, int j0, int kc, int nc, float* dst)
    {
        Debug.Assert(nr > 0 && nc > 0 && kc > 0);
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            if (!transB)
            {
                float* src = b + (nint)p0 * ldb + j0 + jr;
                if (cols == nr && nr % 8 == 0 && Vector256.IsHardwareAccelerated)
                {
                    // Full panel: nr/8 vector copies per row (a variable-size block copy would call memmove per row).
                    for (int p = 0; p < kc; p++, src += ldb, dst += nr)
                        for (int j = 0; j < nr; j += 8)
                            Vector256.Store(Vector256.Load(src + j), dst + j);
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += ldb, dst += nr)
                    {
                        int j = 0;
                        for (; j < cols; j++) dst[j] = src[j];
                        for (; j < nr; j++) dst[j] = 0f;
                    }
                }
            }
            else
            {
                // Stored n×k: column j of op(B) is row j of storage; gather across nr rows per p.
                float* src = b + (nint)(j0 + jr) * ldb + p0;
                for (int p = 0; p < kc; p++, dst += nr)
                {
                    int j = 0;
                    for (; j < cols; j++) dst[j] = src[j * ldb + p];
                    for (; j < nr; j++) dst[j] = 0f;
                }
            }
        }
    }
}
