using SimdSoftmax.GuardPages;

namespace SimdSoftmax.Tests;

/// <summary>
/// The SIMD GEMM paths against the double oracle: every tile edge of the blocked and skinny kernels, random strided
/// shapes, canaries around minimum-size buffers, zero allocation, bitwise identity across thread counts.
/// </summary>
public class GemmSimdTests
{
    private const int Guard = 24;

    /// <summary>
    /// One call on spans that are exactly the BLAS minimum, each surrounded by NaN canaries in the same array: a read
    /// past a span turns results into NaN, a write past it changes a canary. Padding between C rows must stay untouched.
    /// </summary>
    private static void CheckGuarded(KernelPath path, bool ta, bool tb, int m, int n, int k, float alpha, float beta,
        int padA, int padB, int padC, int seed, bool nanInC = false, int threads = 1)
    {
        int lda = Math.Max(1, (ta ? m : k) + padA), ldb = Math.Max(1, (tb ? k : n) + padB), ldc = Math.Max(1, n + padC);
        int rowsA = ta ? k : m, colsA = ta ? m : k, rowsB = tb ? n : k, colsB = tb ? k : n;
        int lenA = rowsA == 0 || colsA == 0 ? 0 : (rowsA - 1) * lda + colsA;
        int lenB = rowsB == 0 || colsB == 0 ? 0 : (rowsB - 1) * ldb + colsB;
        int lenC = m == 0 || n == 0 ? 0 : (m - 1) * ldc + n;
        float[] a = Guarded(Data.Uniform(lenA, seed)), b = Guarded(Data.Uniform(lenB, seed + 1));
        float[] c = Guarded(nanInC ? Data.Filled(lenC, float.NaN) : Data.Uniform(lenC, seed + 2));
        float[] aBody = a.AsSpan(Guard, lenA).ToArray(), bBody = b.AsSpan(Guard, lenB).ToArray(), cBody = c.AsSpan(Guard, lenC).ToArray();
        double[] expected = DoubleReference.Gemm(ta, tb, m, n, k, alpha, aBody, lda, bBody, ldb, beta, cBody, ldc);
        Gemm.Multiply(a.AsSpan(Guard, lenA), lda, ta ? Transpose.Yes : Transpose.No, b.AsSpan(Guard, lenB), ldb, tb ? Transpose.Yes : Transpose.No, c.AsSpan(Guard, lenC), ldc, m, n, k, alpha, beta, path, threads);
        string what = $"{path} ta={ta} tb={tb} m={m} n={n} k={k} alpha={alpha} beta={beta} lda={lda} ldb={ldb} ldc={ldc} threads={threads}";
        double tol = 1e-6 * (k + 4);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double e = expected[i * n + j], got = c[Guard + i * ldc + j];
                if (!(Math.Abs(got - e) <= tol * (1 + Math.Abs(e))))
                    Assert.Fail($"{what}: C[{i},{j}] = {got}, expected {e}");
            }
            if (i < m - 1 && n > 0)
                for (int j = n; j < ldc; j++)
                    if (BitConverter.SingleToInt32Bits(c[Guard + i * ldc + j]) != BitConverter.SingleToInt32Bits(cBody[i * ldc + j]))
                        Assert.Fail($"{what}: padding C[{i},{j}] was written");
        }
        for (int g = 0; g < Guard; g++)
        {
            if (!Canary.Intact(c.AsSpan(g, 1)) || !Canary.Intact(c.AsSpan(Guard + lenC + g, 1)))
                Assert.Fail($"{what}: a canary around C was overwritten");
        }
    }

    private static float[] Guarded(float[] body)
    {
        return Canary.Surround(body, Guard);
    }

    // Tile edges of every kernel: AVX2 6×16, AVX-512 8×48 (and the 12×32 / 6×64 candidates' 12, 32, 64), skinny dot
    // rows 2/4 × columns 5, outer strips 16/32, vector widths 8/16, the skinny limit n = 16.
    private static readonly int[] s_edges = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 40];

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Every_m_and_n_0_to_40(KernelPath path)
    {
        Paths.Require(path);
        int seed = 0;
        float[] alphas = [1f, -0.5f, 0f], betas = [0f, 1f, 0.25f];
        foreach (int k in new[] { 1, 7, 16, 17, 33 })
            for (int m = 0; m <= 40; m++)
                for (int n = 0; n <= 40; n++)
                {
                    seed++;
                    int t = seed % 4;
                    float alpha = seed % 7 == 0 ? 0f : alphas[seed % 2], beta = betas[seed % 3];
                    CheckGuarded(path, t >= 2, t % 2 == 1, m, n, k, alpha, beta, seed % 3, seed % 2, seed % 5 == 0 ? 2 : 0, seed,
                        nanInC: beta == 0f && seed % 2 == 0);
                }
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Tile_edges_in_all_three_dimensions_and_transposes(KernelPath path)
    {
        Paths.Require(path);
        int seed = 1000;
        foreach (int m in s_edges)
            foreach (int n in s_edges)
                foreach (int k in s_edges)
                {
                    seed++;
                    int t = seed % 4;
                    CheckGuarded(path, t >= 2, t % 2 == 1, m, n, k, seed % 5 == 0 ? -0.5f : 1f, seed % 3 == 0 ? 0f : 0.25f,
                        seed % 2, seed % 3, seed % 2, seed);
                }
    }

    /// <summary>
    /// For every registered tile of the path's ISA, the first shape (m ≤ 128, 17 ≤ n ≤ 200) for which
    /// <see cref="GemmTile.Choose"/> picks it, with its MR/NR edges (exact, −1, +1), every transpose, and 1, 2 and auto
    /// threads. A registered tile that no such shape picks fails here: it would be dead code.
    /// </summary>
    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Every_tile_choice_and_its_edges(KernelPath path)
    {
        Paths.Require(path);
        GemmTile[] tiles = path == KernelPath.Avx512 ? Tuning.GemmAvx512Tiles : Tuning.GemmAvx2Tiles;
        int seed = 9000;
        foreach (GemmTile tile in tiles)
        {
            (int M, int N)? found = null;
            for (int m = 1; m <= 128 && found == null; m++)
                for (int n = Tuning.GemmSkinnyMaxN + 1; n <= 200 && found == null; n++)
                    if (GemmTile.Choose(tiles, m, n).Name == tile.Name) found = (m, n);
            Assert.True(found != null, $"{tile.Name} is never chosen for m ≤ 128, n ≤ 200");
            var (m0, n0) = found.Value;
            int mr = tile.MR, nr = tile.NR;
            foreach (var (m, n) in new[] { (m0, n0), (mr, nr), (mr + 1, nr - 1), (2 * mr - 1, 2 * nr + 1), (m0 + mr, n0 + 1) })
                for (int t = 0; t < 4; t++)
                    CheckGuarded(path, t >= 2, t % 2 == 1, m, Math.Max(n, 1), 37 + t, t == 1 ? -0.5f : 1f, t == 2 ? 0f : 0.25f,
                        t % 2, t % 3, 1, ++seed, threads: t % 3);
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Cache_block_edges_KC_MC_and_k_tails(KernelPath path)
    {
        Paths.Require(path);
        int seed = 5000;
        // KC = 512 (both ISAs): depth blocks exact, −1, +1, two blocks; MC = 96 / 128: row blocks; with n above and
        // below the skinny limit so both algorithms cross the edges.
        foreach (int k in new[] { 511, 512, 513, 1025 })
            foreach (var (m, n) in new[] { (9, 50), (13, 10), (33, 17) })
                for (int t = 0; t < 4; t++)
                    CheckGuarded(path, t >= 2, t % 2 == 1, m, n, k, 1f, seed % 2 == 0 ? 0f : 0.25f, 1, 2, 1, ++seed);
        foreach (int m in new[] { 95, 96, 97, 127, 128, 129, 257 })
            for (int t = 0; t < 4; t++)
                CheckGuarded(path, t >= 2, t % 2 == 1, m, 49, 20, -0.5f, 1f, 0, 1, 3, ++seed);
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Random_strided_shapes_up_to_600(KernelPath path)
    {
        Paths.Require(path);
        var r = new Random(42);
        float[] alphas = [1f, -0.5f, 0f], betas = [0f, 1f, 0.25f];
        for (int i = 0; i < 16; i++)
        {
            // Keep m·n·k moderate (the double oracle is a triple loop): one dimension up to 600, the others smaller.
            int big = r.Next(1, 601), mid = r.Next(1, 200), small = r.Next(1, 60);
            int[] dims = [big, mid, small];
            r.Shuffle(dims);
            int t = i % 4;
            CheckGuarded(path, t >= 2, t % 2 == 1, dims[0], dims[1], dims[2], alphas[i % 3], betas[(i / 3) % 3],
                r.Next(0, 9), r.Next(0, 9), r.Next(0, 9), 7000 + i, nanInC: betas[(i / 3) % 3] == 0f, threads: i % 3);
        }
        // The classifier's shapes, scaled down: X·W (n = C = 10) and Xᵀ·dS with transA.
        CheckGuarded(path, false, false, 300, 10, 517, 1f, 0f, 0, 0, 0, 8001);
        CheckGuarded(path, true, false, 517, 10, 300, 1f, 1f, 0, 0, 0, 8002);
        // Xᵀ·dS with A past Tuning.GemmOuterResidentBytes (1.25 MB): the streamed depth chunk, with a k tail, strided.
        CheckGuarded(path, true, false, 600, 10, 523, 1f, 0.25f, 3, 0, 1, 8003);
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Bitwise_identical_for_1_2_and_auto_threads(KernelPath path)
    {
        Paths.Require(path);
        foreach (var (ta, tb, m, n, k) in new[]
        {
            (false, false, 301, 299, 130), (true, true, 97, 513, 77), (false, true, 260, 100, 520),
            (false, false, 1001, 10, 300), (true, false, 1001, 10, 300), (true, false, 97, 16, 40),
        })
        {
            int lda = ta ? m : k, ldb = tb ? k : n;
            float[] a = Data.Uniform(m * k, 1), b = Data.Uniform(k * n, 2), c0 = Data.Uniform(m * n, 3);
            float[][] results = new float[4][];
            int[] threadCounts = [1, 2, 0, 3];
            for (int t = 0; t < threadCounts.Length; t++)
            {
                results[t] = (float[])c0.Clone();
                Gemm.Multiply(a, lda, ta ? Transpose.Yes : Transpose.No, b, ldb, tb ? Transpose.Yes : Transpose.No, results[t], n, m, n, k, 0.75f, 0.5f, path, threadCounts[t]);
            }
            for (int t = 1; t < threadCounts.Length; t++)
                for (int i = 0; i < results[0].Length; i++)
                    if (BitConverter.SingleToInt32Bits(results[0][i]) != BitConverter.SingleToInt32Bits(results[t][i]))
                        Assert.Fail($"{path} ta={ta} tb={tb} {m}x{n}x{k}: threads={threadCounts[t]} differs from threads=1 at {i}");
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Single_threaded_calls_allocate_nothing(KernelPath path)
    {
        Paths.Require(path);
        foreach (var (ta, tb, m, n, k) in new[]
        {
            (false, false, 200, 150, 600), (true, true, 37, 53, 29), (false, false, 100, 10, 784), (true, false, 784, 10, 100),
            (false, true, 50, 10, 70), (true, true, 64, 7, 33),
        })
        {
            int lda = ta ? m : k, ldb = tb ? k : n;
            float[] a = Data.Uniform(m * k, 1), b = Data.Uniform(k * n, 2), c = new float[m * n];
            void Call() => Gemm.Multiply(a, lda, ta ? Transpose.Yes : Transpose.No, b, ldb, tb ? Transpose.Yes : Transpose.No, c, n, m, n, k, 1f, 0.5f, path, 1);
            long allocated = SteadyState.AllocatedBytes(Call);
            Assert.True(allocated == 0, $"{path} ta={ta} tb={tb} {m}x{n}x{k}: {allocated} bytes allocated");
        }
    }

    [Fact]
    public void Negative_thread_count_is_rejected_before_any_write()
    {
        float[] a = Data.Uniform(4, 1), b = Data.Uniform(4, 2), c = Data.Filled(4, 3f);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(a, 2, Transpose.No, b, 2, Transpose.No, c, 2, 2, 2, 2, 1f, 0f, KernelPath.Auto, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(a, b, c, 2, 2, 2, KernelPath.Auto, threads: -2));
        Assert.All(c, v => Assert.Equal(3f, v));
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Alpha_zero_and_k_zero_never_read_A_or_B_even_when_large(KernelPath path)
    {
        Paths.Require(path);
        float[] a = Data.Filled(300 * 40, float.NaN), b = Data.Filled(40 * 70, float.NaN), c = Data.Filled(300 * 70, 4f);
        Gemm.Multiply(a, 40, Transpose.No, b, 70, Transpose.No, c, 70, 300, 70, 40, 0f, 0.5f, path);
        Assert.All(c, v => Assert.Equal(2f, v));
        c.AsSpan().Fill(float.NaN);
        Gemm.Multiply(a, 40, Transpose.No, b, 70, Transpose.No, c, 70, 300, 70, 40, 0f, 0f, path);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    /// <summary>
    /// Every registered tile of an ISA gives bitwise the same C as the ISA's first tile: they share KC, and each element is
    /// one FMA chain in k order whatever the tile, so the tile choice (or a thread's slab) never changes a bit.
    /// </summary>
    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public unsafe void Every_registered_tile_agrees_bitwise_with_the_first(KernelPath path)
    {
        Paths.Require(path);
        GemmTile[] tiles = path == KernelPath.Avx512 ? Tuning.GemmAvx512Tiles : Tuning.GemmAvx2Tiles;
        const int m = 77, n = 101, k = 700;
        float[] a = Data.Uniform(m * k, 11), b = Data.Uniform(k * n, 12), c0 = Data.Uniform(m * n, 13);
        double[] expected = DoubleReference.Gemm(false, true, m, n, k, 0.5, a, k, b, k, 0.25, c0, n);
        float[]? first = null;
        foreach (GemmTile tile in tiles)
        {
            Assert.Equal(tiles[0].Blocking.KC, tile.Blocking.KC);
            float[] c = (float[])c0.Clone();
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pc = c)
                tile.Multiply(false, true, m, n, k, 0.5f, pa, k, pb, k, 0.25f, pc, n);
            Compare.Close(expected, c, 1e-4, 1e-5, tile.Name);
            first ??= c;
            for (int i = 0; i < c.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(first[i]) == BitConverter.SingleToInt32Bits(c[i]), $"{tile.Name} differs from {tiles[0].Name} at {i}");
        }
    }
}
