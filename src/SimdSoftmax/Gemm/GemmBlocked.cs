using System.Runtime.CompilerServices;
using System.Diagnostics;

namespace SimdSoftmax;

/// <summary>
/// The BLIS loop nest around a register microkernel: jc (NC columns) → pc (KC depth, pack B) → ic (MC rows, pack A)
/// → jr (NR) → ir (MR), with the block sizes of a <see cref="GemmBlocking"/>. Generic over the kernel struct so each
/// instantiation is compiled for its tile.
/// </summary>
internal static unsafe class GemmBlocked<TKernel> where TKernel : IGemmMicrokernel
{
    /// <summary>Scratch for a partial (edge) tile: the largest MR×NR any kernel may have.</summary>
    private const int EdgeTileFloats = 1024;

    /// <summary>
    /// C = alpha·op(A)·op(B) + beta·C on a validated sub-problem (m, n, k ≥ 1, alpha ≠ 0), single-threaded.
    /// Every element of C gets the same k-blocked summation order whatever its tile position, so a caller may split C
    /// into column or row slabs (at NR / MR multiples) across threads and get bitwise identical results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit] // the edge tile is written by the kernel before GemmEdge.Update reads it; zeroing it cost a 4 KiB memset per call
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, GemmBlocking blocking)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        Debug.Assert(m > 0 && n > 0 && k > 0 && alpha != 0f);
        // The packed buffers are sized for blocks of MR/NR-multiples; blocking checked against another tile could overrun them.
        if (blocking.MR != mr || blocking.NR != nr)
            throw new ArgumentException($"Blocking for a {blocking.MR}×{blocking.NR} tile used with {typeof(TKernel).Name}.", nameof(blocking));
        if (mr * nr > EdgeTileFloats)
            throw new NotSupportedException($"{typeof(TKernel).Name}: an MR×NR tile over {EdgeTileFloats} floats does not fit the edge-tile scratch.");
        int mcBlock = blocking.MC, kcBlock = blocking.KC, ncBlock = blocking.NC;
        GemmWorkspace work = GemmWorkspace.ForCurrentThread();
        float* packedA = work.PackedA(blocking.PackedAFloats), packedB = work.PackedB(blocking.PackedBFloats);
        float* tile = stackalloc float[EdgeTileFloats];

        for (int jc = 0; jc < n; jc += ncBlock)
        {
            int nc = Math.Min(ncBlock, n - jc);
            for (int pc = 0; pc < k; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, k - pc);
                // Only the first depth block applies the caller's beta; later ones accumulate onto it.
                float betaBlock = pc == 0 ? beta : 1f;
                PackPanels.PackPanelB(nr, transB, b, ldb, pc, jc, kc, nc, packedB);
                for (int ic = 0; ic < m; ic += mcBlock)
                {
                    int mc = Math.Min(mcBlock, m - ic);
                    PackPanels.PackPanelA(mr, transA, a, lda, ic, pc, mc, kc, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* bPanel = packedB + (nint)jr * kc;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* aPanel = packedA + (nint)ir * kc;
                            float* cTile = c + (ic + ir) * ldc + jc + jr;
                            if (rows == mr && cols == nr)
                            {
                                TKernel.Run(kc, aPanel, bPanel, cTile, ldc, alpha, betaBlock);
                            }
                            else
                            {
                                // Partial tile: compute the full tile into a scratch tile, then update only the
                                // valid part of C with the kernel's exact rounding.
                                TKernel.Run(kc, aPanel, bPanel, tile, nr, 1f, 0f);
                                GemmEdge.Update(tile, nr, cTile, ldc, rows, cols, alpha, betaBlock);
                            }
                        }
                    }
                }
            }
        }
    }
}
