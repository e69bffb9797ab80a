using System.Diagnostics;

namespace SimdSoftmax;

/// <summary>
/// Chooses between the blocked (packed) and skinny (no-pack) algorithms and splits C across threads, for the ISA
/// <typeparamref name="TIsa"/>. The choice of algorithm and tile depends only on the shape, and slabs start at tile
/// multiples, so every thread count computes each element of C with the same instructions in the same order: results
/// are bitwise identical for any degree of parallelism.
/// </summary>
internal static unsafe class GemmSimd<TIsa> where TIsa : IGemmIsa
{
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, int threads)
    {
        Debug.Assert(m > 0 && n > 0 && k > 0 && alpha != 0f);
        long flops = 2L * m * n * k;
        int maxThreads = threads != 0 ? threads
            : flops >= Tuning.GemmParallelThresholdFlops ? Environment.ProcessorCount : 1;

        if (n <= Tuning.GemmSkinnyMaxN)
        {
            if (!transA)
            {
                float* bt = b;
                nint ldbt = ldb;
                if (!transB)
                {
                    // The dot kernel wants columns of B contiguous: transpose the narrow B once (n·k floats).
                    ldbt = GemmSkinny.TransposedBStride(k);
                    bt = GemmWorkspace.ForCurrentThread().SkinnyB.Get((long)n * ldbt);
                    GemmSkinny.TransposeB(n, k, b, ldb, bt, ldbt);
                }
                var job = new Job(JobKind.SkinnyDot, transA, transB, m, n, k, alpha, a, lda, bt, ldbt, beta, c, ldc);
                job.Run(m, GemmSkinny.DotRowUnit, maxThreads);
            }
            else
            {
                // Repack the narrow op(B) once (k·n floats) into zero-padded rows the kernel broadcasts from.
                int width = TIsa.SkinnyOuterBWidth(n);
                float* bp = GemmWorkspace.ForCurrentThread().SkinnyB.Get((long)width * k);
                GemmSkinny.PackNarrowB(n, k, b, transB ? 1 : ldb, transB ? ldb : 1, width, bp);
                var job = new Job(JobKind.SkinnyOuter, transA, transB, m, n, k, alpha, a, lda, bp, width, beta, c, ldc);
                job.Run(m, GemmSkinny.OuterRowUnit, maxThreads);
            }
            return;
        }

        GemmTile tile = GemmTile.Choose(TIsa.GemmTiles, m, n);
        // Split columns when there are enough NR panels for every thread (each thread packs its own part of B);
        // otherwise split rows at MR multiples.
        int mr = tile.MR, nr = tile.NR;
        bool byColumns = (n + nr - 1) / nr >= Math.Min(maxThreads, Environment.ProcessorCount) * 2 || m < 2 * mr;
        var blocked = new Job(byColumns ? JobKind.BlockedColumns : JobKind.BlockedRows, transA, transB,
            m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, tile);
        if (byColumns) blocked.Run(n, nr, maxThreads);
        else blocked.Run(m, mr, maxThreads);
    }

    private enum JobKind { SkinnyDot, SkinnyOuter, BlockedColumns, BlockedRows }

    /// <summary>One multiply, split into slabs along rows or columns of C. A struct: the single-thread path allocates nothing.</summary>
    private readonly struct Job(JobKind kind, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, GemmTile tile = default)
    {
        /// <summary>Runs the slabs [s·size, (s+1)·size) of <paramref name="extent"/>, size a multiple of <paramref name="unit"/>.</summary>
        public void Run(int extent, int unit, int maxThreads)
        {
            int units = (extent + unit - 1) / unit;
            int slabs = Math.Clamp(maxThreads, 1, units);
            if (slabs == 1)
            {
                Slab(0, extent);
                return;
            }
            RunParallel(extent, unit, units, slabs);
        }

        // Separate from Run so the closure (allocated at the scope's entry) exists only on the multi-thread path.
        private void RunParallel(int extent, int unit, int units, int slabs)
        {
            int slabUnits = (units + slabs - 1) / slabs;
            int slabSize = slabUnits * unit;
            slabs = (extent + slabSize - 1) / slabSize;
            Job self = this;
            Parallel.For(0, slabs, new ParallelOptions { MaxDegreeOfParallelism = slabs },
                s => self.Slab(s * slabSize, Math.Min(extent, (s + 1) * slabSize)));
        }

        private void Slab(int start, int end)
        {
            switch (kind)
            {
                case JobKind.SkinnyDot:
                    TIsa.SkinnyDot(start, end, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                    break;
                case JobKind.SkinnyOuter:
                    TIsa.SkinnyOuter(start, end, n, k, alpha, a, lda, b, (int)ldb, beta, c, ldc);
                    break;
                case JobKind.BlockedColumns:
                    // Columns [start, end) of C = op(A)·op(B)[:, start..end].
                    tile.Multiply(transA, transB, m, end - start, k, alpha, a, lda, transB ? b + start * ldb : b + start, ldb,
                        beta, c + start, ldc);
                    break;
                case JobKind.BlockedRows:
                    tile.Multiply(transA, transB, end - start, n, k, alpha, transA ? a + start : a + start * lda, lda, b, ldb,
                        beta, c + start * ldc, ldc);
                    break;
            }
        }
    }
}
