namespace SimdSoftmax.GuardPages;

/// <summary>
/// The row-strided entries (Softmax.Rows/LogRows and SoftmaxCrossEntropy.LossAndGradient with ld and threads) on guarded
/// spans of exactly the BLAS minimum (rows−1)·ld + cols, so the unpadded last row ends on a PROT_NONE page (tail) or the
/// first row starts right after one (head); inputs read-only; canaries in the padding; 1 and 2 threads; against the
/// scalar reference of the contiguous overloads, row by row.
/// </summary>
internal static class StridedRowsGuardPageCases
{
    public static void Run(GuardPageRun s)
    {
        using var rx = new GuardedRegion(80 * 9 + 600);
        using var ry = new GuardedRegion(80 * 9 + 600);
        foreach (int cols in new[] { 1, 3, 8, 10, 15, 16, 17, 31, 33, 64, 65, 70, 129, 200 })
            foreach (int rows in new[] { 1, 2, 5, 9 })
                foreach (int pad in new[] { 1, 3 })
                    foreach (bool tail in new[] { true, false })
                        foreach (int threads in new[] { 1, 2 })
                        {
                            if ((rows - 1) * (cols + pad) + cols > rx.Capacity) continue;
                            Softmax(s, rx, ry, rows, cols, pad, tail, threads, log: false);
                            Softmax(s, rx, ry, rows, cols, pad, tail, threads, log: true);
                            CrossEntropy(s, rx, ry, rows, cols, pad, tail, threads);
                        }
    }

    private static float[] Gather(ReadOnlySpan<float> strided, int rows, int cols, int ld)
    {
        var dense = new float[rows * cols];
        for (int r = 0; r < rows; r++) strided.Slice(r * ld, cols).CopyTo(dense.AsSpan(r * cols));
        return dense;
    }

    private static void Softmax(GuardPageRun s, GuardedRegion rx, GuardedRegion ry, int rows, int cols, int pad, bool tail, int threads, bool log)
    {
        int ldx = cols + pad, ldy = cols + 2 * pad;
        int lx = (rows - 1) * ldx + cols, ly = (rows - 1) * ldy + cols;
        rx.All.Fill(Canary.Value); ry.All.Fill(Canary.Value);
        int sx = rx.Start(lx, tail), sy = ry.Start(ly, tail);
        for (int r = 0; r < rows; r++) s.FillRandom(rx.All.Slice(sx + r * ldx, cols), -8f, 8f);
        s.Begin($"Softmax.{(log ? "LogRows" : "Rows")} strided rows={rows} cols={cols} ldx={ldx} ldy={ldy} threads={threads} at {(tail ? "tail" : "head")}");
        float[] x = Gather(rx.All.Slice(sx, lx), rows, cols, ldx), expected = new float[rows * cols];
        if (log) SimdSoftmax.Softmax.LogRows(x, expected, cols, KernelPath.Scalar); else SimdSoftmax.Softmax.Rows(x, expected, cols, KernelPath.Scalar);
        KernelPath path = s.Path;
        rx.ReadOnly();
        bool ran;
        try
        {
            ran = s.Run(() =>
            {
                if (log) SimdSoftmax.Softmax.LogRows(rx.All.Slice(sx, lx), ldx, ry.All.Slice(sy, ly), ldy, rows, cols, path, threads);
                else SimdSoftmax.Softmax.Rows(rx.All.Slice(sx, lx), ldx, ry.All.Slice(sy, ly), ldy, rows, cols, path, threads);
            });
        }
        finally { rx.ReadWrite(); }
        if (!ran) return;
        s.CheckOutside(ry, sy, ly, "y");
        s.CheckGaps(ry.All.Slice(sy, ly), rows, cols, ldy, "y");
        s.Compare(expected, Gather(ry.All.Slice(sy, ly), rows, cols, ldy),
            i => log ? 4e-6 * (1 + Math.Abs(expected[i])) : 4e-6 * Math.Abs(expected[i]) + 1e-37, "y");
    }

    private static void CrossEntropy(GuardPageRun s, GuardedRegion rx, GuardedRegion ry, int rows, int cols, int pad, bool tail, int threads)
    {
        int ld = cols + pad, ldg = cols + 2 * pad;
        int ls = (rows - 1) * ld + cols, lg = (rows - 1) * ldg + cols;
        rx.All.Fill(Canary.Value); ry.All.Fill(Canary.Value);
        int ss = rx.Start(ls, tail), sg = ry.Start(lg, tail);
        for (int r = 0; r < rows; r++) s.FillRandom(rx.All.Slice(ss + r * ld, cols), -8f, 8f);
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = s.NextInt(cols);
        s.Begin($"SoftmaxCrossEntropy.LossAndGradient strided rows={rows} cols={cols} ld={ld} ldg={ldg} threads={threads} at {(tail ? "tail" : "head")}");
        float[] logits = Gather(rx.All.Slice(ss, ls), rows, cols, ld), expected = new float[rows * cols];
        float expectedLoss = SoftmaxCrossEntropy.LossAndGradient(logits, labels, expected, cols, KernelPath.Scalar);
        KernelPath path = s.Path;
        float loss = 0;
        rx.ReadOnly();
        bool ran;
        try
        {
            ran = s.Run(() => loss = SoftmaxCrossEntropy.LossAndGradient(rx.All.Slice(ss, ls), ld, labels, ry.All.Slice(sg, lg), ldg, rows, cols, path, threads));
        }
        finally { rx.ReadWrite(); }
        if (!ran) return;
        s.CheckOutside(ry, sg, lg, "dLogits");
        s.CheckGaps(ry.All.Slice(sg, lg), rows, cols, ldg, "dLogits");
        s.Compare(expected, Gather(ry.All.Slice(sg, lg), rows, cols, ldg), i => 4e-6 * Math.Abs(expected[i]) + 1e-7 / rows, "dLogits");
        s.CompareScalar(expectedLoss, loss, 4e-6 * Math.Abs(expectedLoss) + 1e-7, "loss");
    }
}
