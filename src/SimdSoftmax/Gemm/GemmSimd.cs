using System.Diagnostics;

namespace SimdSoftmax;

/// <summary>
/// Chooses between the blocked (packed) and skinny (no-pack) algorithms and splits C across threads. The choice of
/// algorithm depends only on the shape, and slabs start at tile multiples, so every thread count computes each element
/// of C with the same instructions in the same order: results are bitwise identical for any degree of parallelism.
/// </summary>
internal static unsafe class GemmSimd
{
    /// <summary>
    /// Below this many flops (2·m·n·k) automatic threading stays on the calling thread (and allocates nothing). Handing
    /// a slab to a pool thread costs on the order of 10–50 µs; 2·160³ flops take ≈ 50 µs on one core at ~160 GFLOPS, so
    /// below it a second thread cannot pay for itself. (The shared CI machine was too loaded for a clean wall-clock
    /// crossover; gemm-sweep's CPU-time estimate gives 1.6× at 256³ and 1.8–2.0× from 512³ up.)
    /// </summary>
    public const long ParallelThresholdFlops = 2L * 160 * 160 * 160;

    public static void Multiply(bool avx512, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, int threads)
    {
        Debug.Assert(m > 0 && n > 0 && k > 0 && alpha != 0f);
        long flops = 2L * m * n * k;
        int maxThreads = threads != 0 ? threads
            : flops >= ParallelThresholdFlops ? Environment.ProcessorCount : 1;

        if (n <= GemmBlocking.SkinnyMaxN)
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
                var job = new Job(JobKind.SkinnyDot, avx512, transA, transB, m, n, k, alpha, a, lda, bt, ldbt, beta, c, ldc);
                job.Run(m, GemmSkinny.DotRowUnit, maxThreads);
            }
            else
            {
                // Repack the narrow op(B) once (k·n floats) into zero-padded rows the kernel broadcasts from.
                int width = GemmSkinny.OuterBWidth(avx512, n);
                float* bp = GemmWorkspace.ForCurrentThread().SkinnyB.Get((long)width * k);
                GemmSkinny.PackNarrowB(n, k, b, transB ? 1 : ldb, transB ? ldb : 1, width, bp);
                var job = new Job(JobKind.SkinnyOuter, avx512, transA, transB, m, n, k, alpha, a, lda, bp, width, beta, c, ldc);
                job.Run(m, GemmSkinny.OuterRowUnit, maxThreads);
            }
            return;
        }

        // The tile is chosen from the whole problem, never per slab, so the thread count cannot change it (nor, with the
        // same KC for every tile, a single bit of C).
        Avx512Tile tile = avx512 ? GemmBlocking.ChooseAvx512Tile(m, n) : Avx512Tile.T8x48;
        (int mr, int nr) = avx512 ? GemmBlocking.Shape(tile) : (Microkernel6x16Avx2.MR, Microkernel6x16Avx2.NR);
        // Split columns when there are enough NR panels for every thread (each thread packs its own part of B);
        // otherwise split rows at MR multiples.
        bool byColumns = (n + nr - 1) / nr >= Math.Min(maxThreads, Environment.ProcessorCount) * 2 || m < 2 * mr;
        var blocked = new Job(byColumns ? JobKind.BlockedColumns : JobKind.BlockedRows, avx512, transA, transB,
            m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, tile);
        if (byColumns) blocked.Run(n, nr, maxThreads);
        else blocked.Run(m, mr, maxThreads);
    }

    private enum JobKind { SkinnyDot, SkinnyOuter, BlockedColumns, BlockedRows }

    /// <summary>One multiply, split into slabs along rows or columns of C. A struct: the single-thread path allocates nothing.</summary>
    private readonly struct Job(JobKind kind, bool avx512, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, Avx512Tile tile = Avx512Tile.T8x48)
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
                    GemmSkinny.Dot(avx512, start, end, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                    break;
                case JobKind.SkinnyOuter:
                    GemmSkinny.Outer(avx512, start, end, n, k, alpha, a, lda, b, (int)ldb, beta, c, ldc);
                    break;
                case JobKind.BlockedColumns:
                    // Columns [start, end) of C = op(A)·op(B)[:, start..end].
                    Blocked(m, end - start, a, transB ? b + start * ldb : b + start, c + start);
                    break;
                case JobKind.BlockedRows:
                    Blocked(end - start, n, transA ? a + start : a + start * lda, b, c + start * ldc);
                    break;
            }
        }

        private void Blocked(int rows, int cols, float* aSlab, float* bSlab, float* cSlab)
        {
            if (avx512 && tile == Avx512Tile.T6x64)
                GemmBlocked<Microkernel6x64Avx512>.Multiply(transA, transB, rows, cols, k, alpha, aSlab, lda, bSlab, ldb,
                    beta, cSlab, ldc, GemmBlocking.Avx512x6x64MC, GemmBlocking.Avx512KC, GemmBlocking.Avx512NC);
            else if (avx512 && tile == Avx512Tile.T12x32)
                GemmBlocked<Microkernel12x32Avx512>.Multiply(transA, transB, rows, cols, k, alpha, aSlab, lda, bSlab, ldb,
                    beta, cSlab, ldc, GemmBlocking.Avx512x12x32MC, GemmBlocking.Avx512KC, GemmBlocking.Avx512NC);
            else if (avx512)
                GemmBlocked<Microkernel8x48Avx512>.Multiply(transA, transB, rows, cols, k, alpha, aSlab, lda, bSlab, ldb,
                    beta, cSlab, ldc, GemmBlocking.Avx512MC, GemmBlocking.Avx512KC, GemmBlocking.Avx512NC);
            else
                GemmBlocked<Microkernel6x16Avx2>.Multiply(transA, transB, rows, cols, k, alpha, aSlab, lda, bSlab, ldb,
                    beta, cSlab, ldc, GemmBlocking.Avx2MC, GemmBlocking.Avx2KC, GemmBlocking.Avx2NC);
        }
    }
}
