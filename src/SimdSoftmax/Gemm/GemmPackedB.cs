using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// The loop nest for small problems: <see cref="GemmBlocked{TKernel}"/> without packing A. jc (NC columns) → pc (KC depth,
/// pack B) → jr (NR) → ir (MR), the microkernel reading full MR-row blocks of op(A) in place through its strides (row-major
/// or transposed). Only a partial last block of rows is packed (zero-padded, once per depth block), so the kernel never
/// reads past A. With KC equal to the blocked nest's, each element of C gets the same FMA chain in the same order:
/// the two nests agree bit for bit, and either may run any slab of a threaded call.
/// </summary>
internal static unsafe class GemmPackedB<TKernel> where TKernel : IGemmMicrokernelStridedA
{
    /// <summary>Scratch for a partial (edge) tile: the largest MR×NR any kernel may have.</summary>
    private const int EdgeTileFloats = 1024;

    /// <summary>C = alpha·op(A)·op(B) + beta·C on a validated sub-problem (m, n, k ≥ 1, alpha ≠ 0), single-threaded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit] // the edge tile is written by the kernel before GemmEdge.Update reads it
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, GemmBlocking blocking)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        Debug.Assert(m > 0 && n > 0 && k > 0 && alpha != 0f);
        if (blocking.MR != mr || blocking.NR != nr)
            throw new ArgumentException($"Blocking for a {blocking.MR}×{blocking.NR} tile used with {typeof(TKernel).Name}.", nameof(blocking));
        if (mr * nr > EdgeTileFloats)
            throw new NotSupportedException($"{typeof(TKernel).Name}: an MR×NR tile over {EdgeTileFloats} floats does not fit the edge-tile scratch.");
        int kcBlock = blocking.KC, ncBlock = blocking.NC;
        GemmWorkspace work = GemmWorkspace.ForCurrentThread();
        // The packed A buffer holds only the partial last row block: MR·KC floats.
        float* edgeA = work.PackedA((long)mr * kcBlock), packedB = work.PackedB(blocking.PackedBFloats);
        float* tile = stackalloc float[EdgeTileFloats];
        nint rsA = transA ? 1 : lda, csA = transA ? lda : 1;
        int mFull = m / mr * mr;

        for (int jc = 0; jc < n; jc += ncBlock)
        {
            int nc = Math.Min(ncBlock, n - jc);
            for (int pc = 0; pc < k; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, k - pc);
                float betaBlock = pc == 0 ? beta : 1f;
                PackPanels.PackPanelB(nr, transB, b, ldb, pc, jc, kc, nc, packedB);
                if (mFull < m)
                    PackPanels.PackPanelA(mr, transA, a, lda, mFull, pc, m - mFull, kc, edgeA);
                float* aBlock = a + pc * csA;
                for (int jr = 0; jr < nc; jr += nr)
                {
                    int cols = Math.Min(nr, nc - jr);
                    float* bPanel = packedB + (nint)jr * kc;
                    float* cColumn = c + jc + jr;
                    if (cols == nr)
                    {
                        for (int ir = 0; ir < mFull; ir += mr)
                            TKernel.RunStridedA(kc, aBlock + ir * rsA, rsA, csA, bPanel, cColumn + ir * ldc, ldc, alpha, betaBlock);
                    }
                    else
                    {
                        for (int ir = 0; ir < mFull; ir += mr)
                        {
                            TKernel.RunStridedA(kc, aBlock + ir * rsA, rsA, csA, bPanel, tile, nr, 1f, 0f);
                            GemmEdge.Update(tile, nr, cColumn + ir * ldc, ldc, mr, cols, alpha, betaBlock);
                        }
                    }
                    if (mFull < m)
                    {
                        TKernel.RunStridedA(kc, edgeA, 1, mr, bPanel, tile, nr, 1f, 0f);
                        GemmEdge.Update(tile, nr, cColumn + mFull * ldc, ldc, m - mFull, cols, alpha, betaBlock);
                    }
                }
            }
        }
    }
}
