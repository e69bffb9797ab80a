namespace SimdSoftmax.Tests.Kernels;

/// <summary>
/// The shared GEMM kernel tester (after XNNPACK's gemm-microkernel-tester): one parameterized check per kernel kind,
/// calling the kernel (or its own loop nest) directly, never through <see cref="Gemm"/>, against a double reference,
/// with NaN canaries around every buffer and untouched padding between C rows.
/// </summary>
internal static unsafe class GemmMicrokernelTester
{
    private static double Tolerance(int k) => 1e-6 * (k + 4);

    private static void AssertClose(double expected, float got, int k, string what)
    {
        if (!(Math.Abs(got - expected) <= Tolerance(k) * (1 + Math.Abs(expected))))
            Assert.Fail($"{what}: got {got:R}, expected {expected:R}");
    }

    /// <summary>
    /// The register microkernel alone on packed panels: kc steps, C at stride ldc (≥ NR, the padding must stay
    /// untouched), C = alpha·Ã·B̃ + beta·C; beta = 0 starts from NaN in C, which must not be read.
    /// </summary>
    public static void Microkernel(GemmTile tile, int kc, int ldc, float alpha, float beta, int seed)
    {
        int mr = tile.MR, nr = tile.NR;
        using var a = new GuardedFloats(Data.Uniform(kc * mr, seed));
        using var b = new GuardedFloats(Data.Uniform(kc * nr, seed + 1));
        float[] c0 = beta == 0f ? Data.Filled((mr - 1) * ldc + nr, float.NaN) : Data.Uniform((mr - 1) * ldc + nr, seed + 2);
        using var c = new GuardedFloats(c0);
        tile.RunKernel(kc, a.Pointer, b.Pointer, c.Pointer, ldc, alpha, beta);
        string what = $"{tile.Name} kc={kc} ldc={ldc} alpha={alpha} beta={beta}";
        for (int i = 0; i < mr; i++)
        {
            for (int j = 0; j < nr; j++)
            {
                double s = 0;
                for (int p = 0; p < kc; p++) s += (double)a[p * mr + i] * b[p * nr + j];
                double e = alpha * s + (beta == 0f ? 0 : beta * (double)c0[i * ldc + j]);
                AssertClose(e, c[i * ldc + j], kc, $"{what} C[{i},{j}]");
            }
            for (int j = nr; j < ldc && i < mr - 1; j++)
                if (BitConverter.SingleToInt32Bits(c[i * ldc + j]) != BitConverter.SingleToInt32Bits(c0[i * ldc + j]))
                    Assert.Fail($"{what}: padding C[{i},{j}] was written");
        }
        c.AssertCanaries(what);
    }

    /// <summary>
    /// A strided-A kernel alone, reading A where it lies: row-major MR×kc at row stride lda (≥ kc), or transposed (kc×MR
    /// at row stride lda ≥ MR), each span no longer than the BLAS minimum so a read past the last row hits a guard page.
    /// </summary>
    public static void MicrokernelStridedA(GemmTile tile, bool transposedA, int kc, int lda, int ldc, float alpha, float beta, int seed)
    {
        int mr = tile.MR, nr = tile.NR;
        int rowsA = transposedA ? kc : mr, colsA = transposedA ? mr : kc;
        nint rsA = transposedA ? 1 : lda, csA = transposedA ? lda : 1;
        using var a = new GuardedFloats(Data.Uniform((rowsA - 1) * lda + colsA, seed));
        using var b = new GuardedFloats(Data.Uniform(kc * nr, seed + 1));
        float[] c0 = beta == 0f ? Data.Filled((mr - 1) * ldc + nr, float.NaN) : Data.Uniform((mr - 1) * ldc + nr, seed + 2);
        using var c = new GuardedFloats(c0);
        tile.RunKernelStridedA(kc, a.Pointer, rsA, csA, b.Pointer, c.Pointer, ldc, alpha, beta);
        string what = $"{tile.Name} strided A transposed={transposedA} kc={kc} lda={lda} ldc={ldc} alpha={alpha} beta={beta}";
        for (int i = 0; i < mr; i++)
        {
            for (int j = 0; j < nr; j++)
            {
                double s = 0;
                for (int p = 0; p < kc; p++) s += (double)a[(int)(i * rsA + p * csA)] * b[p * nr + j];
                double e = alpha * s + (beta == 0f ? 0 : beta * (double)c0[i * ldc + j]);
                AssertClose(e, c[i * ldc + j], kc, $"{what} C[{i},{j}]");
            }
            for (int j = nr; j < ldc && i < mr - 1; j++)
                if (BitConverter.SingleToInt32Bits(c[i * ldc + j]) != BitConverter.SingleToInt32Bits(c0[i * ldc + j]))
                    Assert.Fail($"{what}: padding C[{i},{j}] was written");
        }
        c.AssertCanaries(what);
        a.AssertCanaries(what);
    }

    /// <summary>
    /// The tile's loop nests (packing, full and edge tiles, depth blocks; A read in place by the pack-B-only nest) on an
    /// m×n×k problem with minimum-size strided spans, one transpose combination, alpha/beta.
    /// </summary>
    public static void Blocked(GemmTile tile, bool ta, bool tb, int m, int n, int k, float alpha, float beta, int pad, int seed)
    {
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        int rowsA = ta ? k : m, rowsB = tb ? n : k;
        float[] a0 = Data.Uniform((rowsA - 1) * lda + (ta ? m : k), seed), b0 = Data.Uniform((rowsB - 1) * ldb + (tb ? k : n), seed + 1);
        float[] c0 = beta == 0f ? Data.Filled((m - 1) * ldc + n, float.NaN) : Data.Uniform((m - 1) * ldc + n, seed + 2);
        double[] expected = DoubleReference.Gemm(ta, tb, m, n, k, alpha, a0, lda, b0, ldb, beta, c0, ldc);
        using var a = new GuardedFloats(a0);
        using var b = new GuardedFloats(b0);
        using var c = new GuardedFloats(c0);
        // Every nest the tile has, whatever the size: the blocked one, and the pack-B-only one of a strided-A tile.
        foreach (bool packedB in tile.IsStridedA ? new[] { false, true } : [false])
        {
            c0.CopyTo(c.Span);
            tile.MultiplyWith(packedB, ta, tb, m, n, k, alpha, a.Pointer, lda, b.Pointer, ldb, beta, c.Pointer, ldc);
            string what = $"{tile.Name} {(packedB ? "pack-B-only" : "blocked")} ta={ta} tb={tb} {m}x{n}x{k} alpha={alpha} beta={beta} pad={pad}";
            CheckC(expected, c, c0, m, n, ldc, k, what);
            a.AssertCanaries(what);
            b.AssertCanaries(what);
        }
    }

    /// <summary>C of one of the tile's nests on an m×n×k problem (strided views, pad 1), for bitwise comparisons between nests.</summary>
    public static float[] Product(GemmTile tile, bool packedB, bool ta, bool tb, int m, int n, int k, float alpha, float beta, int seed)
    {
        int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 1, ldc = n + 1;
        float[] a = Data.Uniform((ta ? k : m) * lda, seed), b = Data.Uniform((tb ? n : k) * ldb, seed + 1), c = Data.Uniform(m * ldc, seed + 2);
        fixed (float* pa = a, pb = b, pc = c)
            tile.MultiplyWith(packedB, ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        return c;
    }

    /// <summary>
    /// The skinny dot kernel alone: <paramref name="rows"/> ≤ Rows valid rows and <paramref name="cols"/> ≤ Cols valid
    /// columns (the rest clamped onto the last valid one, as the driver does), k a multiple of Lanes, optionally resuming
    /// from accumulators already in acc, with or without the prefetching loop. Checks every lane of every valid accumulator, the kernel's horizontal sum, and that its tile of sums matches it bitwise.
    /// </summary>
    public static void SkinnyDotKernel(ISkinnyDotUnderTest kernel, int rows, int cols, int k, bool accumulate, nint prefetchDistance, int seed)
    {
        int lanes = kernel.Lanes, lda = k + 3, ldbt = k + 5;
        using var a = new GuardedFloats(Data.Uniform(Math.Max(1, (rows - 1) * lda + k), seed));
        using var bt = new GuardedFloats(Data.Uniform(Math.Max(1, (cols - 1) * ldbt + k), seed + 1));
        int accLength = kernel.Rows * kernel.Cols * lanes;
        float[] acc0 = Data.Uniform(accLength, seed + 2);
        using var acc = new GuardedFloats(acc0);
        int* rowOffsets = stackalloc int[kernel.Rows];
        int* colOffsets = stackalloc int[kernel.Cols];
        for (int r = 0; r < kernel.Rows; r++) rowOffsets[r] = Math.Min(r, rows - 1);
        for (int q = 0; q < kernel.Cols; q++) colOffsets[q] = Math.Min(q, cols - 1);
        kernel.Run(k, a.Pointer, lda, bt.Pointer, ldbt, rowOffsets, colOffsets, acc.Pointer, accumulate, prefetchDistance);
        string what = $"{kernel.Name} rows={rows} cols={cols} k={k} accumulate={accumulate} prefetch={prefetchDistance}";
        for (int r = 0; r < rows; r++)
            for (int q = 0; q < cols; q++)
            {
                int slot = (r * kernel.Cols + q) * lanes;
                double total = 0;
                for (int l = 0; l < lanes; l++)
                {
                    double s = accumulate ? acc0[slot + l] : 0;
                    for (int p = l; p < k; p += lanes) s += (double)a[r * lda + p] * bt[q * ldbt + p];
                    AssertClose(s, acc[slot + l], k / lanes + 1, $"{what} acc[{r},{q}] lane {l}");
                    total += acc[slot + l];
                }
                AssertClose(total, kernel.Sum(acc.Pointer + slot), lanes, $"{what} Sum[{r},{q}]");
            }
        // The side-by-side reduction the driver uses: every accumulator's sum bit for bit as Sum gives it.
        float* sums = stackalloc float[kernel.Rows * kernel.Cols];
        kernel.SumTile(acc.Pointer, sums);
        for (int s = 0; s < kernel.Rows * kernel.Cols; s++)
        {
            float one = kernel.Sum(acc.Pointer + s * lanes);
            if (BitConverter.SingleToInt32Bits(sums[s]) != BitConverter.SingleToInt32Bits(one))
                Assert.Fail($"{what} SumTile[{s}] = {sums[s]}, Sum gives {one}");
        }
        acc.AssertCanaries(what);
    }

    /// <summary>The skinny dot driver (A·op(B), op(B)ᵀ given) on rows [i0, m) of C, all of its panels, chunks and tails.</summary>
    public static void SkinnyDot(ISkinnyDotUnderTest kernel, int i0, int m, int n, int k, float alpha, float beta, int seed)
    {
        int lda = k + 1, ldbt = (int)GemmSkinny.TransposedBStride(k), ldc = n + 2;
        float[] a0 = Data.Uniform((m - 1) * lda + k, seed), bt0 = Data.Uniform((n - 1) * ldbt + k, seed + 1);
        float[] c0 = beta == 0f ? Data.Filled((m - 1) * ldc + n, float.NaN) : Data.Uniform((m - 1) * ldc + n, seed + 2);
        double[] expected = DoubleReference.Gemm(false, true, m, n, k, alpha, a0, lda, bt0, ldbt, beta, c0, ldc);
        using var a = new GuardedFloats(a0);
        using var bt = new GuardedFloats(bt0);
        using var c = new GuardedFloats(c0);
        kernel.Driver(i0, m, n, k, alpha, a.Pointer, lda, bt.Pointer, ldbt, beta, c.Pointer, ldc);
        CheckC(expected, c, c0, m, n, ldc, k, $"{kernel.Name} dot rows {i0}..{m} n={n} k={k} alpha={alpha} beta={beta}", i0);
    }

    /// <summary>
    /// The skinny outer kernel alone: a strip of stored A (k rows, stride lda) with <paramref name="fullVectors"/> valid
    /// vectors (the rest clamped onto vector 0, as the driver does) × Cols columns of packed B, into ct; optionally
    /// resuming from ct's values.
    /// </summary>
    public static void SkinnyOuterKernel(ISkinnyOuterUnderTest kernel, int fullVectors, int k, bool accumulate, nint prefetchDistance, int seed)
    {
        int lanes = kernel.Lanes, vectors = kernel.Width / lanes, lda = kernel.Width + 7, bStride = kernel.Cols + 3;
        int ctStride = kernel.Width + 5;
        using var a = new GuardedFloats(Data.Uniform((k - 1) * lda + fullVectors * lanes, seed));
        using var b = new GuardedFloats(Data.Uniform((k - 1) * bStride + kernel.Cols, seed + 1));
        float[] ct0 = Data.Uniform((kernel.Cols - 1) * ctStride + fullVectors * lanes, seed + 2);
        using var ct = new GuardedFloats(ct0);
        int* offsets = stackalloc int[vectors];
        for (int v = 0; v < vectors; v++) offsets[v] = (v < fullVectors ? v : 0) * lanes;
        kernel.Run(k, a.Pointer, lda, offsets, b.Pointer, bStride, ct.Pointer, ctStride, accumulate, prefetchDistance);
        string what = $"{kernel.Name} vectors={fullVectors} k={k} accumulate={accumulate} prefetch={prefetchDistance}";
        for (int j = 0; j < kernel.Cols; j++)
            for (int i = 0; i < fullVectors * lanes; i++)
            {
                double s = accumulate ? ct0[j * ctStride + i] : 0;
                for (int p = 0; p < k; p++) s += (double)a[p * lda + i] * b[p * bStride + j];
                AssertClose(s, ct[j * ctStride + i], k, $"{what} ct[{j},{i}]");
            }
        ct.AssertCanaries(what);
    }

    /// <summary>The skinny outer driver (Aᵀ·op(B), op(B) packed) on rows [i0, m) of C: strips, depth chunks, scalar columns.</summary>
    public static void SkinnyOuter(ISkinnyOuterUnderTest kernel, int i0, int m, int n, int k, float alpha, float beta, int seed)
    {
        int lda = m + 3, ldb = n + 1, ldc = n + 2, width = kernel.BWidth(n);
        float[] a0 = Data.Uniform((k - 1) * lda + m, seed), b0 = Data.Uniform((k - 1) * ldb + n, seed + 1);
        float[] c0 = beta == 0f ? Data.Filled((m - 1) * ldc + n, float.NaN) : Data.Uniform((m - 1) * ldc + n, seed + 2);
        double[] expected = DoubleReference.Gemm(true, false, m, n, k, alpha, a0, lda, b0, ldb, beta, c0, ldc);
        using var a = new GuardedFloats(a0);
        using var bp = new GuardedFloats(k * width);
        fixed (float* pb = b0)
            GemmSkinny.PackNarrowB(n, k, pb, ldb, 1, width, bp.Pointer);
        using var c = new GuardedFloats(c0);
        kernel.Driver(i0, m, n, k, alpha, a.Pointer, lda, bp.Pointer, width, beta, c.Pointer, ldc);
        CheckC(expected, c, c0, m, n, ldc, k, $"{kernel.Name} outer rows {i0}..{m} n={n} k={k} alpha={alpha} beta={beta}", i0);
        bp.AssertCanaries("packed B");
    }

    /// <summary>Rows [i0, m) of C match the reference; rows before i0 and the padding between rows are untouched.</summary>
    private static void CheckC(double[] expected, GuardedFloats c, float[] c0, int m, int n, int ldc, int k, string what, int i0 = 0)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc && (i < m - 1 || j < n); j++)
            {
                float got = c[i * ldc + j];
                if (i >= i0 && j < n) AssertClose(expected[i * n + j], got, k, $"{what} C[{i},{j}]");
                else if (BitConverter.SingleToInt32Bits(got) != BitConverter.SingleToInt32Bits(c0[i * ldc + j]))
                    Assert.Fail($"{what}: C[{i},{j}] outside the rows or columns computed was written");
            }
        }
        c.AssertCanaries(what);
    }
}
