namespace SimdSoftmax.GuardPages;

/// <summary>
/// SoftmaxCrossEntropy.Loss and LossAndGradient (separate output and in place) on guarded spans: classes 1..70 ×
/// rows 1..9, one row of 1..256 classes, 0..256 rows of 10 classes; logits and labels read-only, both placements.
/// </summary>
internal static class CrossEntropyGuardPageCases
{
    public static void Run(GuardPageRun s)
    {
        using var rl = new GuardedRegion(257 * 10 + 64);
        using var ry = new GuardedRegion(257 + 64);
        using var rg = new GuardedRegion(257 * 10 + 64);
        for (int classes = 1; classes <= 70; classes++)
            for (int rows = 1; rows <= 9; rows++)
                Each(s, rl, ry, rg, rows, classes);
        for (int classes = 1; classes <= 256; classes++) Each(s, rl, ry, rg, 1, classes);
        for (int rows = 0; rows <= 256; rows++) Each(s, rl, ry, rg, rows, 10);
    }

    private static void Each(GuardPageRun s, GuardedRegion rl, GuardedRegion ry, GuardedRegion rg, int rows, int classes)
    {
        foreach (int mode in new[] { 0, 1, 2 })
            foreach (bool tail in new[] { true, false })
                Case(s, rl, ry, rg, rows, classes, mode, tail);
    }

    /// <param name="mode">0: Loss; 1: LossAndGradient into a separate buffer; 2: LossAndGradient in place.</param>
    private static void Case(GuardPageRun s, GuardedRegion rl, GuardedRegion ry, GuardedRegion rg, int rows, int classes, int mode, bool tail)
    {
        int len = rows * classes;
        float spread = s.Cases % 5 == 4 ? 60f : 8f;
        string entry = mode switch { 0 => "Loss", 1 => "LossAndGradient", _ => "LossAndGradient in place" };
        rl.All.Fill(Canary.Value); rg.All.Fill(Canary.Value); ry.AllInts.Fill(Canary.Int);
        int sl = rl.Start(len, tail), sy = ry.Start(rows, tail), sg = rg.Start(len, tail);
        s.FillRandom(rl.All.Slice(sl, len), -spread, spread);
        string specials = s.InjectSpecials(rl.All.Slice(sl, len), rows, classes);
        s.Begin($"SoftmaxCrossEntropy.{entry} rows={rows} classes={classes} spread=±{spread}{specials} at {(tail ? "tail" : "head")}");
        Span<int> labels = ry.AllInts.Slice(sy, rows);
        for (int i = 0; i < rows; i++) labels[i] = s.NextInt(classes);

        float[] logits = rl.All.Slice(sl, len).ToArray(), gradRef = new float[len];
        int[] y = labels.ToArray();
        float lossRef = mode == 0
            ? SoftmaxCrossEntropy.Loss(logits, y, classes, KernelPath.Scalar)
            : SoftmaxCrossEntropy.LossAndGradient(logits, y, gradRef, classes, KernelPath.Scalar);

        KernelPath path = s.Path;
        float loss = 0;
        bool ran;
        ry.ReadOnly();
        if (mode != 2) rl.ReadOnly();
        try
        {
            ran = s.Run(() => loss = mode switch
            {
                0 => SoftmaxCrossEntropy.Loss(rl.All.Slice(sl, len), ry.AllInts.Slice(sy, rows), classes, path),
                1 => SoftmaxCrossEntropy.LossAndGradient(rl.All.Slice(sl, len), ry.AllInts.Slice(sy, rows), rg.All.Slice(sg, len), classes, path),
                _ => SoftmaxCrossEntropy.LossAndGradient(rl.All.Slice(sl, len), ry.AllInts.Slice(sy, rows), rl.All.Slice(sl, len), classes, path),
            });
        }
        finally { rl.ReadWrite(); ry.ReadWrite(); }
        if (!ran) return;

        s.CompareScalar(lossRef, loss, 4e-6 * (1 + Math.Abs(lossRef)), "loss");
        if (mode == 1)
        {
            s.CheckOutside(rg, sg, len, "dLogits");
            Check(s, gradRef, rg.All.Slice(sg, len), rows);
        }
        else if (mode == 2)
        {
            s.CheckOutside(rl, sl, len, "logits (in place)");
            Check(s, gradRef, rl.All.Slice(sl, len), rows);
        }
        else
        {
            s.CheckOutside(rg, 0, 0, "untouched buffer");
        }
    }

    // (p − onehot)/N: relative error of p, plus an absolute eps/N where p ≈ 1 cancels against the one.
    private static void Check(GuardPageRun s, float[] expected, ReadOnlySpan<float> got, int rows) =>
        s.Compare(expected, got, i => 4e-6 * Math.Abs(expected[i]) + 2.4e-7 / rows + 1e-37, "dLogits");
}
