namespace SimdSoftmax.GuardPages;

/// <summary>
/// Gemm.Multiply, both overloads, on guarded spans: every m, n in 0..40 with k around tile edges, every k in 0..40
/// with m, n around tile edges, every size 0..256 of the 1-D shapes, and all four transposes with strided views,
/// alpha/beta variants (beta = 0 with NaN in C, which must not be read), and shapes across the packed path's blocking. Each shape is run with the data at the
/// tail of its pages (over-read faults) and at the head (under-read faults).
/// </summary>
internal static class GemmSweep
{
    private static readonly int[] s_edgeK = [0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33];
    private static readonly int[] s_edgeMn = [0, 1, 2, 3, 5, 6, 7, 8, 9, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 40];
    private static readonly (int M, int N)[] s_mnForK = [(1, 1), (1, 16), (6, 16), (5, 15), (7, 17), (8, 24), (12, 32), (13, 33), (33, 7), (40, 40)];
    private static readonly (float Alpha, float Beta)[] s_scales = [(1f, 0f), (-0.5f, 1f), (2f, 0.25f), (0f, 0.5f), (1f, -1f)];

    private const int Capacity = 48 * 48 + 2048; // the largest view in the sweep, with room for strides

    public static void Run(GuardPageRun s, string part)
    {
        if (part is "all" or "gemm-large") RunLarge(s);
        if (part == "gemm-large") return;
        using var ra = new GuardedRegion(Math.Max(Capacity, 257 * 3));
        using var rb = new GuardedRegion(Math.Max(Capacity, 257 * 3));
        using var rc = new GuardedRegion(Math.Max(Capacity, 257 * 3));
        var g = new Guarded(s, ra, rb, rc);
        if (part is "all" or "gemm-dense")
        {
            foreach (int k in s_edgeK)
                for (int m = 0; m <= 40; m++)
                    for (int n = 0; n <= 40; n++)
                        foreach (bool tail in new[] { true, false })
                            g.Case(dense: true, false, false, m, n, k, 0, 0, 0, 1f, 0f, tail);
            foreach (var (m, n) in s_mnForK)
                for (int k = 0; k <= 40; k++)
                    foreach (bool tail in new[] { true, false })
                        g.Case(dense: true, false, false, m, n, k, 0, 0, 0, 1f, 0f, tail);
        }
        if (part is "all" or "gemm-1d")
        {
            for (int len = 0; len <= 256; len++)
                foreach (bool tail in new[] { true, false })
                {
                    g.Case(dense: true, false, false, 1, len, 3, 0, 0, 0, 1f, 0f, tail);   // row vector × matrix
                    g.Case(dense: true, false, false, len, 1, 3, 0, 0, 0, 1f, 0f, tail);   // matrix × column
                    g.Case(dense: true, false, false, 1, 1, len, 0, 0, 0, 1f, 0f, tail);   // dot product
                    for (int t = 0; t < 4; t++)
                    {
                        var (alpha, beta) = s_scales[(len + t) % s_scales.Length];
                        g.Case(dense: false, (t & 1) != 0, (t & 2) != 0, 1, len, 2, t, 1 + t, 2, alpha, beta, tail);
                        g.Case(dense: false, (t & 1) != 0, (t & 2) != 0, len, 1, 2, 1, t, 3, alpha, beta, tail);
                        g.Case(dense: false, (t & 1) != 0, (t & 2) != 0, 1, 1, len, 2, 0, 1, alpha, beta, tail);
                    }
                }
        }
        if (part is "all" or "gemm-strided")
        {
            int variant = 0;
            foreach (int k in new[] { 0, 1, 2, 8, 9, 16, 17, 33, 40 })
                foreach (int m in s_edgeMn)
                    foreach (int n in s_edgeMn)
                        for (int t = 0; t < 4; t++)
                        {
                            variant++;
                            var (alpha, beta) = s_scales[variant % s_scales.Length];
                            int padA = variant % 3, padB = (variant / 3) % 4 == 3 ? 5 : (variant / 3) % 4, padC = (variant / 12) % 3;
                            // Threads 1..3: every split of C into slabs must stay inside C too.
                            g.Case(dense: false, (t & 1) != 0, (t & 2) != 0, m, n, k, padA, padB, padC, alpha, beta, tail: (variant & 1) == 0, threads: 1 + variant % 3);
                            g.Case(dense: false, (t & 1) != 0, (t & 2) != 0, m, n, k, padA, padB, padC, alpha, beta, tail: (variant & 1) != 0, threads: 1 + (variant + 1) % 3);
                        }
        }
    }

    /// <summary>
    /// Shapes across the blocking of the packed path (every registered tile: MC 96/128/192, KC 512, NR 16/32/48/64, and
    /// the skinny limit n ≤ 16): the packing of partial panels at the edges of A and B is where an over-read hides.
    /// Placement alternates between tail and head.
    /// </summary>
    private static void RunLarge(GuardPageRun s)
    {
        const int capacity = 200 * 520;
        using var ra = new GuardedRegion(capacity);
        using var rb = new GuardedRegion(capacity);
        using var rc = new GuardedRegion(capacity);
        var g = new Guarded(s, ra, rb, rc);
        int variant = 0;
        foreach (int k in new[] { 511, 513 })
            foreach (int m in new[] { 95, 97, 127, 129, 191, 193 })
                foreach (int n in new[] { 17, 31, 47, 49, 63, 65, 97 })
                    for (int t = 0; t < 4; t++)
                    {
                        variant++;
                        var (alpha, beta) = s_scales[variant % s_scales.Length];
                        g.Case(dense: false, (t & 1) != 0, (t & 2) != 0, m, n, k, variant % 2, variant % 3, 1, alpha, beta,
                            tail: (variant & 1) == 0, threads: 1 + variant % 2);
                    }
    }

    private sealed class Guarded(GuardPageRun s, GuardedRegion ra, GuardedRegion rb, GuardedRegion rc)
    {
        public void Case(bool dense, bool ta, bool tb, int m, int n, int k, int padA, int padB, int padC, float alpha, float beta, bool tail, int threads = 1)
        {
            int rowsA = ta ? k : m, colsA = ta ? m : k, rowsB = tb ? n : k, colsB = tb ? k : n;
            int lda = Math.Max(1, colsA + padA), ldb = Math.Max(1, colsB + padB), ldc = Math.Max(1, n + padC);
            if (dense) { lda = Math.Max(1, k); ldb = Math.Max(1, n); ldc = Math.Max(1, n); }
            int lenA = Len(rowsA, colsA, lda), lenB = Len(rowsB, colsB, ldb), lenC = Len(m, n, ldc);
            s.Begin(dense
                ? $"Gemm.Multiply(dense) m={m} n={n} k={k} at {(tail ? "tail" : "head")}"
                : $"Gemm.Multiply({(ta ? "T" : "N")}{(tb ? "T" : "N")}) m={m} n={n} k={k} lda={lda} ldb={ldb} ldc={ldc} alpha={alpha} beta={beta} threads={threads} at {(tail ? "tail" : "head")}");

            ra.All.Fill(Canary.Value); rb.All.Fill(Canary.Value); rc.All.Fill(Canary.Value);
            int sa = ra.Start(lenA, tail), sb = rb.Start(lenB, tail), sc = rc.Start(lenC, tail);
            Span<float> a = ra.All.Slice(sa, lenA), b = rb.All.Slice(sb, lenB), c = rc.All.Slice(sc, lenC);
            FillView(a, rowsA, colsA, lda, -1f, 1f);
            FillView(b, rowsB, colsB, ldb, -1f, 1f);
            if (beta == 0) FillView(c, m, n, ldc, float.NaN, float.NaN); // beta = 0: C must be overwritten, never read
            else FillView(c, m, n, ldc, -1f, 1f);

            float[] aRef = a.ToArray(), bRef = b.ToArray(), cRef = c.ToArray(), c0 = c.ToArray();
            if (dense) Gemm.Multiply(aRef, bRef, cRef, m, n, k, KernelPath.Scalar);
            else Gemm.Multiply(aRef, lda, ta ? Transpose.Yes : Transpose.No, bRef, ldb, tb ? Transpose.Yes : Transpose.No, cRef, ldc, m, n, k, alpha, beta, KernelPath.Scalar);

            ra.ReadOnly(); rb.ReadOnly();
            bool ran;
            try
            {
                KernelPath path = s.Path;
                ran = dense
                    ? s.Run(() => Gemm.Multiply(ra.All.Slice(sa, lenA), rb.All.Slice(sb, lenB), rc.All.Slice(sc, lenC), m, n, k, path))
                    : s.Run(() => Gemm.Multiply(ra.All.Slice(sa, lenA), lda, ta ? Transpose.Yes : Transpose.No, rb.All.Slice(sb, lenB), ldb, tb ? Transpose.Yes : Transpose.No, rc.All.Slice(sc, lenC), ldc, m, n, k, alpha, beta, path, threads));
            }
            finally { ra.ReadWrite(); rb.ReadWrite(); }
            if (!ran) return;

            s.CheckOutside(rc, sc, lenC, "C");
            s.CheckGaps(c, m, n, ldc, "C");
            if (dense) { alpha = 1; beta = 0; }
            for (int i = 0; i < m && n > 0; i++)
            {
                int row = i;
                s.Compare(cRef.AsSpan(i * ldc, n), c.Slice(i * ldc, n), j =>
                {
                    // |error| of a float dot product of length k is at most about k·eps·Σ|a·b| (+ the beta·C term).
                    double mag = 0;
                    for (int p = 0; p < k; p++)
                        mag += Math.Abs((double)aRef[ta ? p * lda + row : row * lda + p] * bRef[tb ? j * ldb + p : p * ldb + j]);
                    mag = Math.Abs(alpha) * mag + (beta == 0 ? 0 : Math.Abs(beta * c0[row * ldc + j]));
                    return (2.0 * k + 4) * 6e-8 * mag + 1e-30;
                }, $"C[{i},·]");
            }
        }

        private static int Len(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;

        /// <summary>Random values in the rows×cols elements of a strided view; the gaps keep the canary.</summary>
        private void FillView(Span<float> view, int rows, int cols, int ld, float lo, float hi)
        {
            if (cols == 0) return;
            for (int i = 0; i < rows; i++)
            {
                Span<float> row = view.Slice(i * ld, cols);
                if (float.IsNaN(lo)) row.Fill(float.NaN); else s.FillRandom(row, lo, hi);
            }
        }
    }
}
