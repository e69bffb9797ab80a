namespace SimdSoftmax.GuardPages;

/// <summary>
/// Softmax.Rows and Softmax.LogRows, out of place (x read-only) and in place, on guarded spans: row lengths 1..70 ×
/// rows 1..9, single rows of 0..256, with the data at the tail and at the head of its pages.
/// </summary>
internal static class SoftmaxGuardPageCases
{
    public static void Run(GuardPageRun s)
    {
        using var rx = new GuardedRegion(70 * 9 + 256);
        using var ry = new GuardedRegion(70 * 9 + 256);
        for (int cols = 1; cols <= 70; cols++)
            for (int rows = 1; rows <= 9; rows++)
                Each(s, rx, ry, rows, cols);
        for (int len = 0; len <= 256; len++)
            Each(s, rx, ry, len == 0 ? 0 : 1, Math.Max(1, len));
    }

    private static void Each(GuardPageRun s, GuardedRegion rx, GuardedRegion ry, int rows, int cols)
    {
        foreach (bool log in new[] { false, true })
            foreach (bool inPlace in new[] { false, true })
                foreach (bool tail in new[] { true, false })
                    Case(s, rx, ry, rows, cols, log, inPlace, tail);
    }

    private static void Case(GuardPageRun s, GuardedRegion rx, GuardedRegion ry, int rows, int cols, bool log, bool inPlace, bool tail)
    {
        int len = rows * cols;
        // Every 5th case spreads the values over ±60, so entries underflow exp (the rr2-p5 flush below −87.3).
        float spread = s.Cases % 5 == 4 ? 60f : 8f;
        rx.All.Fill(Canary.Value); ry.All.Fill(Canary.Value);
        int sx = rx.Start(len, tail), sy = ry.Start(len, tail);
        s.FillRandom(rx.All.Slice(sx, len), -spread, spread);
        string specials = s.InjectSpecials(rx.All.Slice(sx, len), rows, cols);
        s.Begin($"Softmax.{(log ? "LogRows" : "Rows")}{(inPlace ? " in place" : "")} rows={rows} cols={cols} spread=±{spread}{specials} at {(tail ? "tail" : "head")}");
        float[] x = rx.All.Slice(sx, len).ToArray(), expected = new float[len];
        if (log) Softmax.LogRows(x, expected, cols, KernelPath.Scalar); else Softmax.Rows(x, expected, cols, KernelPath.Scalar);

        KernelPath path = s.Path;
        bool ran;
        if (inPlace)
        {
            ran = s.Run(() =>
            {
                Span<float> xy = rx.All.Slice(sx, len);
                if (log) Softmax.LogRows(xy, xy, cols, path); else Softmax.Rows(xy, xy, cols, path);
            });
            if (!ran) return;
            s.CheckOutside(rx, sx, len, "x (in place)");
            Check(s, expected, rx.All.Slice(sx, len), log);
        }
        else
        {
            rx.ReadOnly();
            try
            {
                ran = s.Run(() =>
                {
                    if (log) Softmax.LogRows(rx.All.Slice(sx, len), ry.All.Slice(sy, len), cols, path);
                    else Softmax.Rows(rx.All.Slice(sx, len), ry.All.Slice(sy, len), cols, path);
                });
            }
            finally { rx.ReadWrite(); }
            if (!ran) return;
            s.CheckOutside(ry, sy, len, "y");
            Check(s, expected, ry.All.Slice(sy, len), log);
        }
    }

    private static void Check(GuardPageRun s, float[] expected, ReadOnlySpan<float> got, bool log) =>
        // Probabilities: a few ULP of exp plus the error of a sum of ≤ 256 positive terms, relative.
        // Log-probabilities: absolute error of x − max − log Σ, relative to 1 + |value|.
        s.Compare(expected, got, i => log ? 4e-6 * (1 + Math.Abs(expected[i])) : 4e-6 * Math.Abs(expected[i]) + 1e-37, "y");
}
