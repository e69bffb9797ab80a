using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Runtime.Intrinsics;

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

    /// <summary>Width of a packed narrow-B row for the outer kernel of an ISA: n rounded up to the kernel's columns.</summary>
    public static int OuterBWidth(bool avx512, int n)
    {
        int cols = avx512 ? SkinnyOuter32x10Avx512.Cols : SkinnyOuter16x5Avx2.Cols;
        return (n + cols - 1) / cols * cols;
    }

    /// <summary>
    /// Rows of A per panel of the dot sweep: the panel's saved accumulators stay in L1/L2 while the op(B) chunk is reused
    /// by every row of it. Each row of the panel is a concurrent memory stream: on AMD EPYC Zen 4 (5000×3073×10, A 61 MB,
    /// 5 interleaved rounds, 2 threads) 8 rows gave a median 93 GFLOPS Avx512 / 63 Avx2 against 71 / 56 with 32 rows;
    /// single-threaded the whole X·W went 49.8 → 57.9 (Avx512) with this and the B padding (gemm-sweep); cache-resident
    /// shapes (100×784, 64×3073) were within 1%.
    /// </summary>
    public const int DotPanelRows = 8;

    /// <summary>
    /// k per chunk of the dot sweep: a chunk of op(B)ᵀ (n × 512 floats, 20 KiB for n = 10) stays in L1. Measured
    /// (gemm-sweep, L2-resident 64×3073×10): 256 and 768 ≈ 60–70 GFLOPS, no chunking ≈ 55–57; shorter chunks pay the
    /// save/restore of the accumulators too often.
    /// </summary>
    public const int DotDepthChunk = 512;

    /// <summary>
    /// C[i0..i1, :] = alpha·A[i0..i1, :]·op(B) + beta·C for A stored m×k. <paramref name="bt"/> holds op(B)ᵀ: row j is
    /// column j of op(B), contiguous along k, row stride <paramref name="ldbt"/>. Rows go in panels of
    /// <see cref="DotPanelRows"/>; within a panel, k goes in chunks of <see cref="DotDepthChunk"/> so each op(B) chunk is
    /// read from L2 once per panel instead of once per 4 rows (vector accumulators are saved and resumed between chunks).
    /// The k tail (k mod vector width) is added in scalar after the horizontal sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot(bool avx512, int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* bt, nint ldbt, float beta, float* c, nint ldc)
    {
        Debug.Assert(i0 < i1 && n > 0 && k > 0);
        int rowsPer = avx512 ? SkinnyDot4x5Avx512.Rows : SkinnyDot2x5Avx2.Rows;
        int colsPer = avx512 ? SkinnyDot4x5Avx512.Cols : SkinnyDot2x5Avx2.Cols;
        int lanes = avx512 ? SkinnyDot4x5Avx512.Lanes : SkinnyDot2x5Avx2.Lanes;
        int groups = (n + colsPer - 1) / colsPer;
        int tile = rowsPer * colsPer * lanes;                 // floats of saved accumulators per (row block, column group)
        int blocksPerPanel = DotPanelRows / rowsPer;
        float* acc = GemmWorkspace.ForCurrentThread().SkinnyC.Get((long)blocksPerPanel * groups * tile);
        int kVector = k / lanes * lanes;
        int* rowOffsets = stackalloc int[8];
        int* colOffsets = stackalloc int[8];
        float* sums = stackalloc float[64];

        for (int panel = i0; panel < i1; panel += DotPanelRows)
        {
            int panelEnd = Math.Min(panel + DotPanelRows, i1);
            for (int pc = 0; pc < kVector; pc += DotDepthChunk)
            {
                int kc = Math.Min(DotDepthChunk, kVector - pc);
                for (int i = panel, block = 0; i < panelEnd; i += rowsPer, block++)
                {
                    int rows = Math.Min(rowsPer, panelEnd - i);
                    for (int r = 0; r < rowsPer; r++) rowOffsets[r] = Math.Min(r, rows - 1);
                    for (int g = 0, j = 0; g < groups; g++, j += colsPer)
                    {
                        int cols = Math.Min(colsPer, n - j);
                        for (int q = 0; q < colsPer; q++) colOffsets[q] = Math.Min(q, cols - 1);
                        float* slot = acc + (block * groups + g) * (nint)tile;
                        if (avx512) SkinnyDot4x5Avx512.Run(kc, a + i * lda + pc, lda, bt + j * ldbt + pc, ldbt, rowOffsets, colOffsets, slot, pc > 0);
                        else SkinnyDot2x5Avx2.Run(kc, a + i * lda + pc, lda, bt + j * ldbt + pc, ldbt, rowOffsets, colOffsets, slot, pc > 0);
                    }
                }
            }
            // Horizontal sums, the scalar k tail, and the alpha/beta update of the panel's rows.
            for (int i = panel, block = 0; i < panelEnd; i += rowsPer, block++)
            {
                int rows = Math.Min(rowsPer, panelEnd - i);
                for (int g = 0, j = 0; g < groups; g++, j += colsPer)
                {
                    int cols = Math.Min(colsPer, n - j);
                    float* slot = acc + (block * groups + g) * (nint)tile;
                    for (int r = 0; r < rows; r++)
                    {
                        float* ar = a + (i + r) * lda;
                        for (int q = 0; q < cols; q++)
                        {
                            float sum = kVector == 0 ? 0f : avx512
                                ? Vector512.Sum(Vector512.Load(slot + (r * colsPer + q) * lanes))
                                : Vector256.Sum(Vector256.Load(slot + (r * colsPer + q) * lanes));
                            float* bq = bt + (j + q) * ldbt;
                            for (int p = kVector; p < k; p++) sum = MathF.FusedMultiplyAdd(ar[p], bq[p], sum);
                            sums[q] = sum;
                        }
                        Update(c + (i + r) * ldc + j, 1, sums, 1, cols, alpha, beta);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Rows of A (depth) per chunk of the outer-product sweep when A is streamed from memory: few concurrent row streams
    /// (and pages) for the hardware prefetcher and the TLB. Measured on AMD EPYC Zen 4 (3073×5000×10 with transA, A 61 MB):
    /// single thread (gemm-sweep) 56.5 GFLOPS Avx512 / 49.9 Avx2 against 25.1 / 32.1 with 32 rows; 2 threads ≈ 110 / 95
    /// against 45 / 66, with 6 and 12 rows in between.
    /// </summary>
    public const int OuterDepthChunkStreamed = 8;
    /// <summary>
    /// Rows of A per chunk when A is cache resident (at most <see cref="OuterResidentBytes"/>): the accumulators are reloaded
    /// less often. Measured on Zen 4, single thread: 784×100×10 78 vs 71 GFLOPS, 3073×64×10 65 vs 56 (Avx512) with 32 rather
    /// than 8 rows.
    /// </summary>
    public const int OuterDepthChunkResident = 32;
    /// <summary>Largest A (bytes read by one call or thread slab) taken as cache resident for the choice of depth chunk: Zen 4's 1 MiB L2 (half the Xeon's 2 MiB).</summary>
    public const long OuterResidentBytes = 1 << 20;

    /// <summary>
    /// Packs op(B) (k×n) into <paramref name="dst"/> as k rows of <paramref name="width"/> floats (columns past n are 0),
    /// the layout <see cref="Outer"/> broadcasts from.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackNarrowB(int n, int k, float* b, nint bRow, nint bCol, int width, float* dst)
    {
        for (int p = 0; p < k; p++, dst += width)
        {
            float* src = b + p * bRow;
            int j = 0;
            for (; j < n; j++) dst[j] = src[j * bCol];
            for (; j < width; j++) dst[j] = 0f;
        }
    }

    /// <summary>
    /// C[i0..i1, :] = alpha·Aᵀ[i0..i1, :]·op(B) + beta·C for A stored k×m (row stride lda); <paramref name="bp"/> is op(B)
    /// packed by <see cref="PackNarrowB"/> with row width <paramref name="bWidth"/> (a multiple of the kernel's columns).
    /// Walks A in chunks of <see cref="OuterDepthChunkStreamed"/> or <see cref="OuterDepthChunkResident"/> rows, strip by strip, accumulating Cᵀ in a per-thread buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Outer(bool avx512, int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* bp, int bWidth, float beta, float* c, nint ldc)
    {
        Debug.Assert(i0 < i1 && n > 0 && k > 0);
        int width = avx512 ? SkinnyOuter32x10Avx512.Width : SkinnyOuter16x5Avx2.Width;
        int vector = avx512 ? 16 : 8;
        int colsPer = avx512 ? SkinnyOuter32x10Avx512.Cols : SkinnyOuter16x5Avx2.Cols;
        Debug.Assert(bWidth % colsPer == 0 && bWidth >= n);
        int vectorEnd = i0 + (i1 - i0) / vector * vector;   // columns [i0, vectorEnd) run in vectors
        nint ctStride = Math.Max(vectorEnd - i0, 1);
        float* ct = GemmWorkspace.ForCurrentThread().SkinnyC.Get((long)bWidth * ctStride);
        int* vecOffsets = stackalloc int[8];
        int depthChunk = (long)k * (i1 - i0) * sizeof(float) <= OuterResidentBytes ? OuterDepthChunkResident : OuterDepthChunkStreamed;

        if (vectorEnd > i0)
        {
            for (int pc = 0; pc < k; pc += depthChunk)
            {
                int kc = Math.Min(depthChunk, k - pc);
                for (int i = i0; i < vectorEnd; i += width)
                {
                    int fullVectors = Math.Min(width / vector, (vectorEnd - i) / vector);
                    for (int v = 0; v < width / vector; v++) vecOffsets[v] = (v < fullVectors ? v : 0) * vector;
                    float* aStrip = a + pc * lda + i;
                    for (int j = 0; j < bWidth; j += colsPer)
                    {
                        float* ctStrip = ct + j * ctStride + (i - i0);
                        float* bChunk = bp + (nint)pc * bWidth + j;
                        if (avx512) SkinnyOuter32x10Avx512.Run(kc, aStrip, lda, vecOffsets, bChunk, bWidth, ctStrip, ctStride, pc > 0);
                        else SkinnyOuter16x5Avx2.Run(kc, aStrip, lda, vecOffsets, bChunk, bWidth, ctStrip, ctStride, pc > 0);
                    }
                }
            }
            for (int i = i0; i < vectorEnd; i++)
                Update(c + i * ldc, 1, ct + (i - i0), ctStride, n, alpha, beta);
        }

        // Columns of stored A past the last full vector: plain sequential dot products.
        for (int i = vectorEnd; i < i1; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                float* ap = a + i, bq = bp + j;
                for (int p = 0; p < k; p++, ap += lda, bq += bWidth) sum = MathF.FusedMultiplyAdd(*ap, *bq, sum);
                Update(c + i * ldc + j, 1, &sum, 1, 1, alpha, beta);
            }
        }
    }

    /// <summary>
    /// Row stride of the transposed narrow B: k plus 64 floats, so the n rows the dot kernel reads side by side do not fall
    /// into the same L1 sets whenever k·4 bytes is near a multiple of 4 KiB (k = 3073: every row 4 bytes past the previous
    /// one modulo 4 KiB; Zen 4's 32 KiB 8-way L1 then thrashed on 10 B rows + 4 A rows). Measured on Zen 4, single thread,
    /// L2-resident 64×3073×10: 39 → 68 GFLOPS (Avx512), 33 → 60 (Avx2); memory-bound shapes within ±5%.
    /// </summary>
    public static nint TransposedBStride(int k) => k + 64;

    /// <summary>Copies op(B) (k×n, stored k×n) transposed into <paramref name="bt"/> (n rows of k, stride <paramref name="ldbt"/>), for <see cref="Dot"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransposeB(int n, int k, float* b, nint ldb, float* bt, nint ldbt)
    {
        for (int p = 0; p < k; p++)
        {
            float* row = b + p * ldb;
            for (int j = 0; j < n; j++) bt[j * ldbt + p] = row[j];
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
