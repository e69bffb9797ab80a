using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The no-pack ("sup") path for narrow C (n ≤ <see cref="Tuning.GemmSkinnyMaxN"/>, e.g. the classifier's C = 10
/// classes), where packing would cost as much as the multiply and a 16- or 48-wide register tile would waste lanes.
/// Both drivers vectorize along a long dimension instead of n: along k for A·op(B) (dot products), along m for
/// Aᵀ·op(B) (outer products). Each call covers the rows [i0, i1) of C, so threads can split C by rows. Generic over the
/// kernel struct, which the ISA type (<see cref="IGemmIsa"/>) names.
/// </summary>
internal static unsafe class GemmSkinny
{
    /// <summary>Most rows, columns or vectors a skinny kernel takes offsets for (the drivers' stack arrays).</summary>
    private const int MaxOffsets = 8;

    /// <summary>Row granularity of a thread's slab of C: every row block starts at a multiple of this.</summary>
    public const int DotRowUnit = 4, OuterRowUnit = 32;

    /// <summary>Width of a packed narrow-B row for <typeparamref name="TKernel"/>: n rounded up to the kernel's columns.</summary>
    public static int OuterBWidth<TKernel>(int n) where TKernel : ISkinnyOuterKernel => (n + TKernel.Cols - 1) / TKernel.Cols * TKernel.Cols;

    /// <summary>
    /// C[i0..i1, :] = alpha·A[i0..i1, :]·op(B) + beta·C for A stored m×k. <paramref name="bt"/> holds op(B)ᵀ: row j is
    /// column j of op(B), contiguous along k, row stride <paramref name="ldbt"/>. Rows go in panels of
    /// <see cref="Tuning.GemmDotPanelRows"/>; within a panel, k goes in chunks of <see cref="Tuning.GemmDotDepthChunk"/> so each op(B) chunk is
    /// read from L2 once per panel instead of once per 4 rows (vector accumulators are saved and resumed between chunks).
    /// The k tail (k mod vector width) is added in scalar after the horizontal sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot<TKernel>(int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* bt, nint ldbt, float beta, float* c, nint ldc)
        where TKernel : ISkinnyDotKernel =>
        DotWith<TKernel>(i0, i1, n, k, alpha, a, lda, bt, ldbt, beta, c, ldc, Tuning.GemmDotBlocking);

    /// <summary><see cref="Dot{TKernel}"/> with explicit blocking (gemm-sweep skinny-probe).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DotWith<TKernel>(int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* bt, nint ldbt, float beta, float* c, nint ldc, SkinnyDotBlocking blocking)
        where TKernel : ISkinnyDotKernel
    {
        Debug.Assert(i0 < i1 && n > 0 && k > 0);
        int panelRows = blocking.PanelRows, depthChunk = blocking.DepthChunk;
        int rowsPer = TKernel.Rows, colsPer = TKernel.Cols, lanes = TKernel.Lanes;
        if (rowsPer > MaxOffsets || colsPer > MaxOffsets || panelRows % rowsPer != 0 || depthChunk % lanes != 0)
            throw new NotSupportedException($"{typeof(TKernel).Name}: Rows and Cols must be at most {MaxOffsets}, Rows divide {panelRows} and Lanes divide {depthChunk}.");
        int groups = (n + colsPer - 1) / colsPer;
        int tile = rowsPer * colsPer * lanes;                 // floats of saved accumulators per (row block, column group)
        int blocksPerPanel = panelRows / rowsPer;
        float* acc = GemmWorkspace.ForCurrentThread().SkinnyC.Get((long)blocksPerPanel * groups * tile);
        int kVector = k / lanes * lanes;
        nint prefetch = (long)(i1 - i0) * k * sizeof(float) > Tuning.GemmDotResidentBytes
            ? blocking.PrefetchPanels * panelRows * lda + blocking.PrefetchFloats : 0;
        int* rowOffsets = stackalloc int[MaxOffsets];
        int* colOffsets = stackalloc int[MaxOffsets];
        float* sums = stackalloc float[MaxOffsets];
        float* tileSums = stackalloc float[MaxOffsets * MaxOffsets];

        for (int panel = i0; panel < i1; panel += panelRows)
        {
            int panelEnd = Math.Min(panel + panelRows, i1);
            for (int pc = 0; pc < kVector; pc += depthChunk)
            {
                int kc = Math.Min(depthChunk, kVector - pc);
                for (int i = panel, block = 0; i < panelEnd; i += rowsPer, block++)
                {
                    int rows = Math.Min(rowsPer, panelEnd - i);
                    for (int r = 0; r < rowsPer; r++) rowOffsets[r] = Math.Min(r, rows - 1);
                    for (int g = 0, j = 0; g < groups; g++, j += colsPer)
                    {
                        int cols = Math.Min(colsPer, n - j);
                        for (int q = 0; q < colsPer; q++) colOffsets[q] = Math.Min(q, cols - 1);
                        float* slot = acc + (block * groups + g) * (nint)tile;
                        TKernel.Run(kc, a + i * lda + pc, lda, bt + j * ldbt + pc, ldbt, rowOffsets, colOffsets, slot, pc > 0, prefetch);
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
                    if (kVector > 0) TKernel.SumTile(acc + (block * groups + g) * (nint)tile, tileSums);
                    for (int r = 0; r < rows; r++)
                    {
                        float* ar = a + (i + r) * lda;
                        for (int q = 0; q < cols; q++)
                        {
                            float sum = kVector == 0 ? 0f : tileSums[r * colsPer + q];
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
    /// Walks A in chunks of <see cref="Tuning.GemmOuterDepthChunkStreamed"/> rows when it streams (all rows when it is cache
    /// resident, <see cref="Tuning.GemmOuterDepthChunkResident"/>), strip by strip, accumulating Cᵀ strip by strip in a per-thread buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Outer<TKernel>(int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* bp, int bWidth, float beta, float* c, nint ldc)
        where TKernel : ISkinnyOuterKernel =>
        OuterWith<TKernel>(i0, i1, n, k, alpha, a, lda, bp, bWidth, beta, c, ldc,
            TKernel.Lanes * sizeof(float) == 32 ? Tuning.GemmOuterBlockingAvx2 : Tuning.GemmOuterBlocking);

    /// <summary><see cref="Outer{TKernel}"/> with explicit streamed blocking (gemm-sweep skinny-probe).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OuterWith<TKernel>(int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* bp, int bWidth, float beta, float* c, nint ldc, SkinnyOuterBlocking blocking)
        where TKernel : ISkinnyOuterKernel
    {
        Debug.Assert(i0 < i1 && n > 0 && k > 0);
        int width = TKernel.Width, vector = TKernel.Lanes, colsPer = TKernel.Cols;
        if (width / vector > MaxOffsets || width % vector != 0)
            throw new NotSupportedException($"{typeof(TKernel).Name}: Width must be at most {MaxOffsets} vectors of Lanes.");
        Debug.Assert(bWidth % colsPer == 0 && bWidth >= n);
        int vectorEnd = i0 + (i1 - i0) / vector * vector;   // columns [i0, vectorEnd) run in vectors
        int groups = bWidth / colsPer, strips = (vectorEnd - i0 + width - 1) / width;
        // Cᵀ accumulators strip by strip: each kernel call's Cols rows of Width floats are contiguous. Rows of Cᵀ a whole
        // slab long (stride m, the same stride as the rows of A when A is the whole m columns) made the speed depend on
        // where the workspace fell relative to A modulo 4 KiB: Zen 4, MNIST 784×100×10 Aᵀ·B ran at 70 or 45 GFLOPS from
        // one process to the next that way; by strip it stayed at 70.
        nint block = (nint)colsPer * width;
        float* ct = GemmWorkspace.ForCurrentThread().SkinnyC.Get((long)strips * groups * block);
        int* vecOffsets = stackalloc int[MaxOffsets];
        bool resident = (long)k * (i1 - i0) * sizeof(float) <= Tuning.GemmOuterResidentBytes;
        int depthChunk = resident ? blocking.ResidentDepthChunk : blocking.DepthChunk;
        nint prefetch = resident ? 0 : blocking.PrefetchChunks * depthChunk * lda + blocking.PrefetchFloats;

        if (vectorEnd > i0)
        {
            for (int pc = 0; pc < k; pc += depthChunk)
            {
                int kc = Math.Min(depthChunk, k - pc);
                for (int i = i0, strip = 0; i < vectorEnd; i += width, strip++)
                {
                    int fullVectors = Math.Min(width / vector, (vectorEnd - i) / vector);
                    for (int v = 0; v < width / vector; v++) vecOffsets[v] = (v < fullVectors ? v : 0) * vector;
                    float* aStrip = a + pc * lda + i;
                    for (int j = 0, g = 0; j < bWidth; j += colsPer, g++)
                    {
                        float* bChunk = bp + (nint)pc * bWidth + j;
                        TKernel.Run(kc, aStrip, lda, vecOffsets, bChunk, bWidth, ct + (strip * groups + g) * block, width, pc > 0, prefetch);
                    }
                }
            }
            for (int i = i0; i < vectorEnd; i++)
            {
                int strip = (i - i0) / width, offset = (i - i0) % width;
                for (int j = 0, g = 0; j < n; j += colsPer, g++)
                    Update(c + i * ldc + j, 1, ct + (strip * groups + g) * block + offset, width, Math.Min(colsPer, n - j), alpha, beta);
            }
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


    /// <summary>Row stride of the transposed narrow B: k plus <see cref="Tuning.GemmDotBStridePad"/> (L1 set conflicts).</summary>
    public static nint TransposedBStride(int k) => k + Tuning.GemmDotBStridePad;

    /// <summary>
    /// Copies op(B) (k×n, stored k×n) transposed into <paramref name="bt"/> (n rows of k, stride <paramref name="ldbt"/>), for
    /// <see cref="Dot"/>. For n ≥ 8, in 8×8 register transposes over column blocks at 0, 8, … and a last one ending at n
    /// (overlapping columns are written twice with the same values): one scalar element per store cost a quarter of a
    /// cache-resident 64×3073×10 multiply (Zen 4). Reads only the n columns of each of the k rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransposeB(int n, int k, float* b, nint ldb, float* bt, nint ldbt)
    {
        int p0 = 0;
        if (Avx.IsSupported && n >= 8)
        {
            for (; p0 + 8 <= k; p0 += 8)
            {
                for (int j0 = 0; ; j0 += 8)
                {
                    int j = Math.Min(j0, n - 8);
                    PackPanels.TransposeToPanel(b + p0 * ldb + j, ldb, 8, bt + j * ldbt + p0, (int)ldbt, 8);
                    if (j == n - 8) break;
                }
            }
        }
        for (int p = p0; p < k; p++)
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

/// <summary>
/// How <see cref="GemmSkinny.Dot{TKernel}"/>
/// walks A: rows per panel, k per chunk, and (when A streams) the prefetch distance of each row, in panels of rows
/// ahead (PanelRows·lda floats each) plus floats along the row. None of it changes a bit of C.
/// </summary>
internal readonly record struct SkinnyDotBlocking(int PanelRows, int DepthChunk, int PrefetchPanels, int PrefetchFloats);

/// <summary>
/// How <see cref="GemmSkinny.Outer{TKernel}"/>
/// walks A: rows per depth chunk when A streams, the prefetch distance then, in chunks of rows ahead (DepthChunk·lda
/// floats each) plus floats along the row, and rows per depth chunk when A is cache resident. None of it changes a bit of C.
/// </summary>
internal readonly record struct SkinnyOuterBlocking(int DepthChunk, int PrefetchChunks, int PrefetchFloats, int ResidentDepthChunk);
