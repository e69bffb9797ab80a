namespace SimdSoftmax.Tests.Kernels;

/// <summary>
/// Every GEMM kernel in <see cref="GemmKernelRegistry"/>, called directly at its tile, unroll and block edges by the
/// shared <see cref="GemmMicrokernelTester"/>. A kernel whose ISA this CPU (or the runtime's configuration) lacks is
/// skipped, never passed.
/// </summary>
public class GemmMicrokernelTests
{
    private static readonly (float Alpha, float Beta)[] s_scales = [(1f, 0f), (-0.5f, 1f), (0.75f, 0.25f)];

    [Fact]
    public void Registry_lists_every_kernel_of_the_library()
    {
        Assert.Equal(GemmKernelRegistry.KernelTypesOf(typeof(IGemmMicrokernel)).Order(), GemmKernelRegistry.Tiles.Select(t => t.Tile.Name).Order());
        Assert.Equal(GemmKernelRegistry.KernelTypesOf(typeof(ISkinnyDotKernel)).Order(), GemmKernelRegistry.SkinnyDot.Select(k => k.Name).Order());
        Assert.Equal(GemmKernelRegistry.KernelTypesOf(typeof(ISkinnyOuterKernel)).Order(), GemmKernelRegistry.SkinnyOuter.Select(k => k.Name).Order());
    }

    [SkippableTheory, MemberData(nameof(GemmKernelRegistry.TileNames), MemberType = typeof(GemmKernelRegistry))]
    public void Microkernel_at_k_unroll_and_block_edges(string name)
    {
        var (isa, tile) = GemmKernelRegistry.Tile(name);
        Paths.Require(isa);
        int kc = tile.Blocking.KC, seed = 0;
        // k = 1, 2, every remainder of the 4× unroll, and the depth block KC (−1, +1).
        foreach (int k in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, kc - 1, kc, kc + 1 })
            foreach (int ldc in new[] { tile.NR, tile.NR + 3 })
                foreach (var (alpha, beta) in s_scales)
                    GemmMicrokernelTester.Microkernel(tile, k, ldc, alpha, beta, ++seed);
    }

    [SkippableTheory, MemberData(nameof(GemmKernelRegistry.StridedATileNames), MemberType = typeof(GemmKernelRegistry))]
    public void Strided_A_kernel_on_row_major_and_transposed_views(string name)
    {
        var (isa, tile) = GemmKernelRegistry.Tile(name);
        Paths.Require(isa);
        int seed = 300, mr = tile.MR;
        foreach (int k in new[] { 1, 2, 3, 17, tile.Blocking.KC })
            foreach (bool transposed in new[] { false, true })
            {
                // Views: dense (lda = k or MR), one past, and a wide stride.
                int dense = transposed ? mr : k;
                foreach (int lda in new[] { dense, dense + 1, dense + 37 })
                {
                    var (alpha, beta) = s_scales[++seed % 3];
                    GemmMicrokernelTester.MicrokernelStridedA(tile, transposed, k, lda, tile.NR + seed % 2, alpha, beta, seed);
                }
            }
    }

    [SkippableTheory, MemberData(nameof(GemmKernelRegistry.StridedATileNames), MemberType = typeof(GemmKernelRegistry))]
    public void Packed_B_nest_matches_the_blocked_nests_bit_for_bit(string name)
    {
        // The pack-B-only nest replaces the blocked one for small problems: with the same KC every element must get the
        // same FMA chain, so the tile choice (and the thread split) never changes a bit of C; the ISA's first tile too.
        var (isa, tile) = GemmKernelRegistry.Tile(name);
        Paths.Require(isa);
        GemmTile first = GemmKernelRegistry.Tiles.First(t => t.Isa == isa).Tile;
        int seed = 700;
        foreach (var (m, n, k) in new[] { (64, 64, 64), (tile.MR + 1, tile.NR - 1, 9), (37, 70, tile.Blocking.KC + 5), (3, 2 * tile.NR + 1, 2) })
            for (int t = 0; t < 4; t++)
            {
                var (alpha, beta) = s_scales[++seed % 3];
                float[] viaPackedB = GemmMicrokernelTester.Product(tile, true, t >= 2, t % 2 == 1, m, n, k, alpha, beta, seed);
                float[] viaBlocked = GemmMicrokernelTester.Product(tile, false, t >= 2, t % 2 == 1, m, n, k, alpha, beta, seed);
                float[] viaFirst = GemmMicrokernelTester.Product(first, false, t >= 2, t % 2 == 1, m, n, k, alpha, beta, seed);
                Assert.Equal(viaBlocked.Select(BitConverter.SingleToInt32Bits), viaPackedB.Select(BitConverter.SingleToInt32Bits));
                Assert.Equal(viaFirst.Select(BitConverter.SingleToInt32Bits), viaPackedB.Select(BitConverter.SingleToInt32Bits));
            }
    }

    [SkippableTheory, MemberData(nameof(GemmKernelRegistry.TileNames), MemberType = typeof(GemmKernelRegistry))]
    public void Blocked_loop_nest_at_m_n_edges(string name)
    {
        var (isa, tile) = GemmKernelRegistry.Tile(name);
        Paths.Require(isa);
        int mr = tile.MR, nr = tile.NR, seed = 100;
        // m and n: 1, MR/NR exact, −1, +1, multiples; every transpose in turn; k = 1, 2 and an odd depth.
        int[] ms = [1, mr - 1, mr, mr + 1, 2 * mr, 2 * mr + 1], ns = [1, nr - 1, nr, nr + 1, 2 * nr, 2 * nr + 1];
        foreach (int m in ms.Where(x => x > 0).Distinct())
            foreach (int n in ns.Where(x => x > 0).Distinct())
                foreach (int k in new[] { 1, 2, 17 })
                {
                    seed++;
                    var (alpha, beta) = s_scales[seed % 3];
                    GemmMicrokernelTester.Blocked(tile, seed % 4 >= 2, seed % 2 == 1, m, n, k, alpha, beta, seed % 3, seed);
                }
    }

    [SkippableTheory, MemberData(nameof(GemmKernelRegistry.TileNames), MemberType = typeof(GemmKernelRegistry))]
    public void Blocked_loop_nest_across_MC_KC_and_NC_blocks(string name)
    {
        var (isa, tile) = GemmKernelRegistry.Tile(name);
        Paths.Require(isa);
        GemmBlocking blk = tile.Blocking;
        int seed = 500;
        foreach (int k in new[] { blk.KC - 1, blk.KC, blk.KC + 1, 2 * blk.KC + 3 })
            GemmMicrokernelTester.Blocked(tile, k % 2 == 0, k % 3 == 0, tile.MR + 1, tile.NR + 1, k, 1f, 0.25f, 1, ++seed);
        foreach (int m in new[] { blk.MC - 1, blk.MC, blk.MC + 1, 2 * blk.MC + tile.MR + 1 })
            GemmMicrokernelTester.Blocked(tile, m % 2 == 1, false, m, tile.NR - 1, 9, -0.5f, 1f, 2, ++seed);
        foreach (int n in new[] { blk.NC, blk.NC + 1 })
            GemmMicrokernelTester.Blocked(tile, false, n % 2 == 1, 3, n, 5, 1f, 0f, 0, ++seed);
    }

    [Fact]
    public unsafe void Skinny_transpose_of_B_is_exact_at_8x8_block_edges()
    {
        // The dot path's op(B)ᵀ copy: 8×8 register transposes for n ≥ 8 (column blocks overlap at the end), scalar rest.
        int seed = 0;
        for (int n = 1; n <= Tuning.GemmSkinnyMaxN; n++)
            foreach (int k in new[] { 1, 7, 8, 9, 16, 17, 63 })
            {
                int ldb = n + seed++ % 3, ldbt = (int)GemmSkinny.TransposedBStride(k);
                using var b = new GuardedFloats(Data.Uniform((k - 1) * ldb + n, seed));
                float[] expected = Data.Filled(n * ldbt, float.NaN);
                for (int p = 0; p < k; p++)
                    for (int j = 0; j < n; j++) expected[j * ldbt + p] = b[p * ldb + j];
                using var bt = new GuardedFloats(Data.Filled(n * ldbt, float.NaN));
                GemmSkinny.TransposeB(n, k, b.Pointer, ldb, bt.Pointer, ldbt);
                string what = $"TransposeB n={n} k={k} ldb={ldb}";
                for (int i = 0; i < n * ldbt; i++)
                    if (BitConverter.SingleToInt32Bits(bt[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                        Assert.Fail($"{what}: bt[{i}] = {bt[i]}, expected {expected[i]}");
                bt.AssertCanaries(what);
            }
    }

    [SkippableTheory, MemberData(nameof(GemmKernelRegistry.SkinnyDotNames), MemberType = typeof(GemmKernelRegistry))]
    public void Skinny_dot_kernel_at_row_column_and_k_edges(string name)
    {
        ISkinnyDotUnderTest kernel = GemmKernelRegistry.SkinnyDot.Single(k => k.Name == name);
        Paths.Require(kernel.Isa);
        int seed = 0, lanes = kernel.Lanes;
        for (int rows = 1; rows <= kernel.Rows; rows++)
            for (int cols = 1; cols <= kernel.Cols; cols++)
                foreach (int k in new[] { lanes, 2 * lanes, 5 * lanes })
                    foreach (bool accumulate in new[] { false, true })
                        foreach (nint prefetch in new nint[] { 0, Tuning.GemmDotPrefetchPanels * Tuning.GemmDotPanelRows * (nint)k })
                            GemmMicrokernelTester.SkinnyDotKernel(kernel, rows, cols, k, accumulate, prefetch, ++seed);
    }

    [SkippableTheory, MemberData(nameof(GemmKernelRegistry.SkinnyDotNames), MemberType = typeof(GemmKernelRegistry))]
    public void Skinny_dot_driver_at_m_n_k_edges(string name)
    {
        ISkinnyDotUnderTest kernel = GemmKernelRegistry.SkinnyDot.Single(k => k.Name == name);
        Paths.Require(kernel.Isa);
        int seed = 1000, lanes = kernel.Lanes, rows = kernel.Rows, cols = kernel.Cols;
        int[] ms = [1, rows - 1, rows, rows + 1, Tuning.GemmDotPanelRows + 1, 3 * Tuning.GemmDotPanelRows + rows - 1];
        int[] ns = [1, cols - 1, cols, cols + 1, 2 * cols + 1, Tuning.GemmSkinnyMaxN];
        foreach (int m in ms.Where(x => x > 0).Distinct())
            foreach (int n in ns.Where(x => x > 0 && x <= Tuning.GemmSkinnyMaxN).Distinct())
                foreach (int k in new[] { 1, lanes - 1, lanes, lanes + 1, Tuning.GemmDotDepthChunk + lanes + 3 })
                {
                    seed++;
                    var (alpha, beta) = s_scales[seed % 3];
                    // Some calls start at a later slab boundary, as a second thread's slab does.
                    int i0 = seed % 5 == 0 && m > GemmSkinny.DotRowUnit ? GemmSkinny.DotRowUnit : 0;
                    GemmMicrokernelTester.SkinnyDot(kernel, i0, m, n, k, alpha, beta, seed);
                }
        // A over GemmDotResidentBytes: the prefetching loop, with row and k tails.
        int kStreamed = (int)(Tuning.GemmDotResidentBytes / sizeof(float) / 64) + lanes + 3;
        GemmMicrokernelTester.SkinnyDot(kernel, 0, 64 + rows + 1, 10, kStreamed, 1f, 0.25f, ++seed);
    }

    [SkippableTheory, MemberData(nameof(GemmKernelRegistry.SkinnyOuterNames), MemberType = typeof(GemmKernelRegistry))]
    public void Skinny_outer_kernel_at_vector_and_k_edges(string name)
    {
        ISkinnyOuterUnderTest kernel = GemmKernelRegistry.SkinnyOuter.Single(k => k.Name == name);
        Paths.Require(kernel.Isa);
        int seed = 0;
        for (int vectors = 1; vectors <= kernel.Width / kernel.Lanes; vectors++)
            foreach (int k in new[] { 1, 2, 3, 17 })
                foreach (bool accumulate in new[] { false, true })
                    foreach (nint prefetch in new nint[] { 0, Tuning.GemmOuterPrefetchDistance })
                        GemmMicrokernelTester.SkinnyOuterKernel(kernel, vectors, k, accumulate, prefetch, ++seed);
    }

    [SkippableTheory, MemberData(nameof(GemmKernelRegistry.SkinnyOuterNames), MemberType = typeof(GemmKernelRegistry))]
    public void Skinny_outer_driver_at_m_n_k_edges(string name)
    {
        ISkinnyOuterUnderTest kernel = GemmKernelRegistry.SkinnyOuter.Single(k => k.Name == name);
        Paths.Require(kernel.Isa);
        int seed = 2000, lanes = kernel.Lanes, width = kernel.Width, cols = kernel.Cols;
        int[] ms = [1, lanes - 1, lanes, lanes + 1, width - 1, width, width + 1, 2 * width + lanes + 3];
        int[] ns = [1, cols - 1, cols, cols + 1, Tuning.GemmSkinnyMaxN];
        foreach (int m in ms.Distinct())
            foreach (int n in ns.Where(x => x > 0 && x <= Tuning.GemmSkinnyMaxN).Distinct())
                foreach (int k in new[] { 1, 2, Tuning.GemmOuterDepthChunkStreamed + 1 })
                {
                    seed++;
                    var (alpha, beta) = s_scales[seed % 3];
                    int i0 = seed % 5 == 0 && m > GemmSkinny.OuterRowUnit ? GemmSkinny.OuterRowUnit : 0;
                    GemmMicrokernelTester.SkinnyOuter(kernel, i0, m, n, k, alpha, beta, seed);
                }
        // A over GemmOuterResidentBytes: the streamed depth chunk, with a depth tail.
        GemmMicrokernelTester.SkinnyOuter(kernel, 0, 530, 3, 531, 1f, 0.25f, ++seed);
    }
}
