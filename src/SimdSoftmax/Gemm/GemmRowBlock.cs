using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The GEMM of <see cref="LinearCrossEntropy"/>'s row blocks: <see cref="Gemm.Run"/>'s blocked loop nest (same tile
/// choice, same KC depth blocks, same microkernels, so the same bits), with a transposing B pack that moves 8×8 blocks
/// through registers. A row block multiplies few rows (R ≤ 256) by the whole weight matrix, so every block packs all
/// of W once more: with op(B) = Wᵀ (dX = dS·Wᵀ for W stored D×C, and S = X·Wᵀ for W stored C×D as nn.Linear) the
/// element-wise gather of <see cref="PackPanels.PackPanelB"/> cost a fifth of the block's time at R = 128.
/// </summary>
internal static unsafe class GemmRowBlock
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C on validated arguments and a resolved path; threads as <see cref="Gemm.Run"/>.</summary>
    public static void Run(KernelPath path, bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int threads)
    {
        // The narrow shapes take the GEMM's skinny kernels, and only a transposed B needs the faster pack.
        if (path is not (KernelPath.Avx2 or KernelPath.Avx512) || n <= Tuning.GemmSkinnyMaxN || m == 0 || k == 0 || alpha == 0f)
        {
            Gemm.Run(path, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
            return;
        }
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            GemmTile tile = path == KernelPath.Avx512
                ? GemmTile.Choose(Avx512Isa.GemmTiles, m, n)
                : GemmTile.Choose(Avx2Isa.GemmTiles, m, n);
            var job = new Job(tile, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            int maxThreads = threads != 0 ? threads
                : 2L * m * n * k >= Tuning.GemmParallelThresholdFlops ? Environment.ProcessorCount : 1;
            bool byColumns = (n + tile.NR - 1) / tile.NR >= Math.Min(maxThreads, Environment.ProcessorCount) * 2 || m < 2 * tile.MR;
            job.Run(byColumns, byColumns ? n : m, byColumns ? tile.NR : tile.MR, maxThreads);
        }
    }

    /// <summary>Whether a multiply takes <see cref="Gemm.Run"/> instead of this loop nest (and then is one part).</summary>
    private static bool Delegated(KernelPath path, int m, int n, int k, float alpha) =>
        path is not (KernelPath.Avx2 or KernelPath.Avx512) || n <= Tuning.GemmSkinnyMaxN || m == 0 || k == 0 || alpha == 0f;

    private static GemmTile Tile(KernelPath path, int m, int n) => path == KernelPath.Avx512
        ? GemmTile.Choose(Avx512Isa.GemmTiles, m, n)
        : GemmTile.Choose(Avx2Isa.GemmTiles, m, n);

    /// <summary>
    /// How <see cref="RunPart"/> cuts a multiply into at most <paramref name="maxParts"/> slabs: by columns (NR multiples)
    /// when there are at least two column tiles per part or too few rows, else by rows (MR multiples). The tile is the
    /// one the whole multiply would use, so every element is computed by the same kernel calls whatever the cut.
    /// </summary>
    private static (bool ByColumns, int Extent, int SlabSize, int Count) Cut(GemmTile tile, int m, int n, int maxParts)
    {
        bool byColumns = (n + tile.NR - 1) / tile.NR >= maxParts * 2 || m < 2 * tile.MR;
        int extent = byColumns ? n : m, unit = byColumns ? tile.NR : tile.MR;
        int units = (extent + unit - 1) / unit;
        int slabs = Math.Clamp(maxParts, 1, units);
        int slabSize = (units + slabs - 1) / slabs * unit;
        return (byColumns, extent, slabSize, (extent + slabSize - 1) / slabSize);
    }

    /// <summary>
    /// The number of independent parts (disjoint slabs of C) <see cref="RunPart"/> splits this multiply into for at most
    /// <paramref name="maxParts"/> threads; 1 when the multiply is delegated to <see cref="Gemm.Run"/>.
    /// </summary>
    public static int Parts(KernelPath path, int m, int n, int k, float alpha, int maxParts) =>
        maxParts <= 1 || Delegated(path, m, n, k, alpha) ? 1 : Cut(Tile(path, m, n), m, n, maxParts).Count;

    /// <summary>
    /// Part <paramref name="part"/> of <see cref="Parts"/>(…, <paramref name="maxParts"/>) of C = alpha·op(A)·op(B) + beta·C
    /// on the calling thread, for drivers that schedule the parts of several multiplies themselves; every element of C
    /// gets the bits <see cref="Run"/> gives it, for any <paramref name="maxParts"/>. A multiply of one part runs as
    /// <see cref="Run"/> with <paramref name="threads"/>. With <paramref name="bias"/> (n floats), each row of the part's
    /// slab of C is first set to the bias (beta = 1 then adds it as the first depth block's C).
    /// </summary>
    public static void RunPart(KernelPath path, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, int part, int maxParts, int threads, float* bias = null)
    {
        if (maxParts <= 1 || Delegated(path, m, n, k, alpha))
        {
            Debug.Assert(part == 0);
            CopyBias(bias, c, ldc, 0, m, 0, n);
            // BLAS minimum lengths of the three operands.
            int lenA = m == 0 || k == 0 ? 0 : (int)(transA ? (k - 1) * lda + m : (m - 1) * lda + k);
            int lenB = n == 0 || k == 0 ? 0 : (int)(transB ? (n - 1) * ldb + k : (k - 1) * ldb + n);
            int lenC = m == 0 || n == 0 ? 0 : (int)((m - 1) * ldc + n);
            Run(path, transA, transB, m, n, k, alpha, new ReadOnlySpan<float>(a, lenA), (int)lda, new ReadOnlySpan<float>(b, lenB), (int)ldb,
                beta, new Span<float>(c, lenC), (int)ldc, threads);
            return;
        }
        GemmTile tile = Tile(path, m, n);
        var cut = Cut(tile, m, n, maxParts);
        int start = part * cut.SlabSize, end = Math.Min(cut.Extent, start + cut.SlabSize);
        if (cut.ByColumns) CopyBias(bias, c, ldc, 0, m, start, end);
        else CopyBias(bias, c, ldc, start, end, 0, n);
        new Job(tile, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc).Slab(cut.ByColumns, start, end);
    }

    private static void CopyBias(float* bias, float* c, nint ldc, int i0, int i1, int j0, int j1)
    {
        if (bias == null) return;
        for (int i = i0; i < i1; i++) new ReadOnlySpan<float>(bias + j0, j1 - j0).CopyTo(new Span<float>(c + i * ldc + j0, j1 - j0));
    }

    /// <summary>One multiply split into column or row slabs at tile multiples; a struct, so one thread allocates nothing.</summary>
    private readonly struct Job(GemmTile tile, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        public void Run(bool byColumns, int extent, int unit, int maxThreads)
        {
            int units = (extent + unit - 1) / unit;
            int slabs = Math.Clamp(maxThreads, 1, units);
            if (slabs == 1)
            {
                Slab(byColumns, 0, extent);
                return;
            }
            RunParallel(byColumns, extent, unit, units, slabs);
        }

        // Separate from Run so the closure exists only on the multi-thread path.
        private void RunParallel(bool byColumns, int extent, int unit, int units, int slabs)
        {
            int slabSize = (units + slabs - 1) / slabs * unit;
            slabs = (extent + slabSize - 1) / slabSize;
            Job self = this;
            Parallel.For(0, slabs, new ParallelOptions { MaxDegreeOfParallelism = slabs },
                s => self.Slab(byColumns, s * slabSize, Math.Min(extent, (s + 1) * slabSize)));
        }

        public void Slab(bool byColumns, int start, int end)
        {
            if (byColumns)
                Multiply(tile, transA, transB, m, end - start, k, alpha, a, lda, transB ? b + start * ldb : b + start, ldb, beta, c + start, ldc);
            else
                Multiply(tile, transA, transB, end - start, n, k, alpha, transA ? a + start : a + start * lda, lda, b, ldb, beta, c + start * ldc, ldc);
        }
    }

    /// <summary>Scratch for a partial (edge) tile, as <see cref="GemmBlocked{TKernel}"/>.</summary>
    private const int EdgeTileFloats = 1024;

    /// <summary><see cref="GemmBlocked{TKernel}.Multiply"/>'s loop nest with <see cref="PackB"/>; single-threaded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply(GemmTile gemmTile, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        GemmBlocking blocking = gemmTile.Blocking;
        int mr = blocking.MR, nr = blocking.NR;
        Debug.Assert(m > 0 && n > 0 && k > 0 && alpha != 0f && mr * nr <= EdgeTileFloats);
        int mcBlock = blocking.MC, kcBlock = blocking.KC, ncBlock = blocking.NC;
        GemmWorkspace work = GemmWorkspace.ForCurrentThread();
        long packedAFloats = m <= Tuning.LinearCeLazyPackRows ? (long)(m + mr - 1) / mr * mr * kcBlock : blocking.PackedAFloats;
        float* packedA = work.PackedA(Math.Max(packedAFloats, blocking.PackedAFloats)), packedB = work.PackedB(blocking.PackedBFloats);
        float* tile = stackalloc float[EdgeTileFloats];

        for (int jc = 0; jc < n; jc += ncBlock)
        {
            int nc = Math.Min(ncBlock, n - jc);
            for (int pc = 0; pc < k; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, k - pc);
                float betaBlock = pc == 0 ? beta : 1f;
                if (m <= Tuning.LinearCeLazyPackRows)
                {
                    // A row block: all of its rows packed at once (≤ 256·KC floats, L2), then each B micro-panel packed
                    // just before its MR-row sweep, so it is used while in L1/L2 instead of written out as an NC-wide
                    // panel (6 MiB at NC = 3072) and read back once per row block.
                    PackPanels.PackPanelA(mr, transA, a, lda, 0, pc, m, kc, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        PackB(nr, transB, b, ldb, pc, jc + jr, kc, cols, packedB);
                        int nextCols = Math.Min(nr, nc - jr - nr), parts = (m + mr - 1) / mr;
                        for (int ir = 0; ir < m; ir += mr)
                        {
                            int rows = Math.Min(mr, m - ir);
                            // The next micro-panel's B comes from memory (W is read once per row block): fetch a share
                            // of its lines under each kernel call so its pack finds them in cache.
                            if (nextCols > 0) PrefetchB(transB, b, ldb, pc, jc + jr + nr, kc, nextCols, ir / mr, parts);
                            float* aPanel = packedA + (nint)ir * kc;
                            float* cTile = c + ir * ldc + jc + jr;
                            if (rows == mr && cols == nr)
                                gemmTile.RunKernel(kc, aPanel, packedB, cTile, ldc, alpha, betaBlock);
                            else
                            {
                                gemmTile.RunKernel(kc, aPanel, packedB, tile, nr, 1f, 0f);
                                GemmEdge.Update(tile, nr, cTile, ldc, rows, cols, alpha, betaBlock);
                            }
                        }
                    }
                    continue;
                }
                PackB(nr, transB, b, ldb, pc, jc, kc, nc, packedB);
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
                                gemmTile.RunKernel(kc, aPanel, bPanel, cTile, ldc, alpha, betaBlock);
                            else
                            {
                                gemmTile.RunKernel(kc, aPanel, bPanel, tile, nr, 1f, 0f);
                                GemmEdge.Update(tile, nr, cTile, ldc, rows, cols, alpha, betaBlock);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Prefetches share <paramref name="part"/> of <paramref name="parts"/> of the cache lines of op(B)[p0..p0+kc, j0..j0+cols]
    /// into L2 (prefetcht1): the lines come from memory, rows a whole W row apart, and fetched into L1 they evicted the
    /// kernel's operands and queued on L1's miss buffers. AMD EPYC Zen 4, 1 thread, Avx512, thread CPU time, load ~22,
    /// medians of 3 interleaved: 512×1024×32000 forward 87 → 92 GFLOPS, dX 87 → 95, whole call 1145 → 1087 ms;
    /// 128×2048×128000 forward 74 → 82, dX 65 → 69, whole call 2820 → 2648 ms (prefetching two panels ahead: no better).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchB(bool transB, float* b, nint ldb, int p0, int j0, int kc, int cols, int part, int parts)
    {
        if (!Sse.IsSupported) return;
        if (!transB)
        {
            // Row p holds the panel's cols floats contiguously.
            int from = (int)((long)kc * part / parts), to = (int)((long)kc * (part + 1) / parts);
            for (int p = from; p < to; p++)
            {
                float* row = b + (p0 + p) * ldb + j0;
                for (int j = 0; j < cols; j += 16) Sse.Prefetch1(row + j);
                Sse.Prefetch1(row + cols - 1);
            }
        }
        else
        {
            // Stored row j holds kc floats of the panel contiguously.
            int from = cols * part / parts, to = cols * (part + 1) / parts;
            for (int j = from; j < to; j++)
            {
                float* row = b + (j0 + j) * ldb + p0;
                for (int p = 0; p < kc; p += 16) Sse.Prefetch1(row + p);
                Sse.Prefetch1(row + kc - 1);
            }
        }
    }

    /// <summary>
    /// <see cref="PackPanels.PackPanelB"/>'s layout (panel j holds, for each p, NR consecutive columns of op(B), zeros
    /// past nc). Stored n×k (transposed), 8 depths of 8 stored rows go through one 8×8 register transpose; the rest as
    /// <see cref="PackPanels.PackPanelB"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackB(int nr, bool transB, float* b, nint ldb, int p0, int j0, int kc, int nc, float* dst)
    {
        if (!transB || nr % 8 != 0)
        {
            PackPanels.PackPanelB(nr, transB, b, ldb, p0, j0, kc, nc, dst);
            return;
        }
        for (int jr = 0; jr < nc; jr += nr, dst += (nint)nr * kc)
        {
            int cols = Math.Min(nr, nc - jr);
            float* src = b + (nint)(j0 + jr) * ldb + p0;
            int p = 0;
            for (; p + 8 <= kc; p += 8)
                for (int g = 0; g < nr; g += 8)
                    Transpose8(src + g * ldb + p, ldb, Math.Clamp(cols - g, 0, 8), dst + (nint)p * nr + g, nr);
            for (; p < kc; p++)
            {
                float* d = dst + (nint)p * nr;
                int j = 0;
                for (; j < cols; j++) d[j] = src[j * ldb + p];
                for (; j < nr; j++) d[j] = 0f;
            }
        }
    }

    /// <summary>
    /// dst[q·stride + r] = src[r·ld + q] for q, r &lt; 8, 0 where r ≥ <paramref name="rows"/>: reads exactly 8 floats
    /// of each of the first <paramref name="rows"/> rows, writes 8 floats per q.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(float* src, nint ld, int rows, float* dst, int stride)
    {
        Vector256<float> r0 = 0 < rows ? Vector256.Load(src + 0 * ld) : Vector256<float>.Zero;
        Vector256<float> r1 = 1 < rows ? Vector256.Load(src + 1 * ld) : Vector256<float>.Zero;
        Vector256<float> r2 = 2 < rows ? Vector256.Load(src + 2 * ld) : Vector256<float>.Zero;
        Vector256<float> r3 = 3 < rows ? Vector256.Load(src + 3 * ld) : Vector256<float>.Zero;
        Vector256<float> r4 = 4 < rows ? Vector256.Load(src + 4 * ld) : Vector256<float>.Zero;
        Vector256<float> r5 = 5 < rows ? Vector256.Load(src + 5 * ld) : Vector256<float>.Zero;
        Vector256<float> r6 = 6 < rows ? Vector256.Load(src + 6 * ld) : Vector256<float>.Zero;
        Vector256<float> r7 = 7 < rows ? Vector256.Load(src + 7 * ld) : Vector256<float>.Zero;
        Vector256<float> u0 = Avx.UnpackLow(r0, r1), u1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> u2 = Avx.UnpackLow(r2, r3), u3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> u4 = Avx.UnpackLow(r4, r5), u5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> u6 = Avx.UnpackLow(r6, r7), u7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> v0 = Avx.Shuffle(u0, u2, 0x44), v1 = Avx.Shuffle(u0, u2, 0xEE), v2 = Avx.Shuffle(u1, u3, 0x44), v3 = Avx.Shuffle(u1, u3, 0xEE);
        Vector256<float> v4 = Avx.Shuffle(u4, u6, 0x44), v5 = Avx.Shuffle(u4, u6, 0xEE), v6 = Avx.Shuffle(u5, u7, 0x44), v7 = Avx.Shuffle(u5, u7, 0xEE);
        Avx.Permute2x128(v0, v4, 0x20).Store(dst + 0 * stride);
        Avx.Permute2x128(v1, v5, 0x20).Store(dst + 1 * stride);
        Avx.Permute2x128(v2, v6, 0x20).Store(dst + 2 * stride);
        Avx.Permute2x128(v3, v7, 0x20).Store(dst + 3 * stride);
        Avx.Permute2x128(v0, v4, 0x31).Store(dst + 4 * stride);
        Avx.Permute2x128(v1, v5, 0x31).Store(dst + 5 * stride);
        Avx.Permute2x128(v2, v6, 0x31).Store(dst + 6 * stride);
        Avx.Permute2x128(v3, v7, 0x31).Store(dst + 7 * stride);
    }
}
