namespace SimdSoftmax.GuardPages;

/// <summary>One linear classifier family's entries, so softmax and SVM run the same guard-page cases.</summary>
/// <param name="Name">The class name in the case titles.</param>
/// <param name="WorkspaceLength">The family's <c>WorkspaceLength(rows, features, classes, form)</c>.</param>
/// <param name="WithBias">Its <c>LossAndGradient</c> with bias.</param>
/// <param name="WithoutBias">Its <c>LossAndGradient</c> without bias.</param>
/// <param name="QuantizeInputs">
/// Round W, b and X to multiples of 1/8, 1/8 and 1/4, so that every score is exact in float and no path's rounding can
/// move a margin across the hinge's kink (the SVM); false: inputs as drawn.
/// </param>
internal sealed record ClassifierFamily(string Name, Func<int, int, int, ClassifierForm, int> WorkspaceLength,
    ClassifierFamily.Biased WithBias, ClassifierFamily.Unbiased WithoutBias, bool QuantizeInputs)
{
    public delegate float Biased(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ReadOnlySpan<int> labels,
        Span<float> dW, Span<float> dBias, Span<float> workspace, int rows, int features, int classes, ClassifierOptions options,
        KernelPath path, int threads);

    public delegate float Unbiased(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<int> labels, Span<float> dW,
        Span<float> workspace, int rows, int features, int classes, ClassifierOptions options, KernelPath path, int threads);

    public static readonly ClassifierFamily Softmax = new(nameof(SoftmaxLoss), SoftmaxLoss.WorkspaceLength,
        SoftmaxLoss.LossAndGradient, SoftmaxLoss.LossAndGradient, QuantizeInputs: false);

    public static readonly ClassifierFamily Svm = new(nameof(SvmLoss), SvmLoss.WorkspaceLength,
        SvmLoss.LossAndGradient, SvmLoss.LossAndGradient, QuantizeInputs: true);
}

/// <summary>
/// A classifier family's LossAndGradient with and without bias on guarded spans: N, D, C around tile and vector edges;
/// W, b, X, y read-only; the workspace exactly the family's WorkspaceLength long, so a kernel using more than it asked
/// for faults.
/// </summary>
internal static class ClassifierGuardPageCases
{
    private static readonly int[] s_n = [0, 1, 2, 3, 5, 8, 9, 16, 17, 33];
    private static readonly int[] s_d = [0, 1, 2, 3, 7, 8, 9, 16, 17, 33];
    private static readonly int[] s_c = [1, 2, 3, 7, 8, 9, 10, 15, 16, 17, 33];
    private const int Capacity = 64 * 64;

    public static void Run(GuardPageRun s, ClassifierFamily family)
    {
        using var rw = new GuardedRegion(Capacity);
        using var rb = new GuardedRegion(Capacity);
        using var rx = new GuardedRegion(Capacity);
        using var ry = new GuardedRegion(Capacity);
        using var rdw = new GuardedRegion(Capacity);
        using var rdb = new GuardedRegion(Capacity);
        using var rws = new GuardedRegion(Capacity);
        GuardedRegion[] all = [rw, rb, rx, ry, rdw, rdb, rws];
        try
        {
            foreach (int n in s_n)
                foreach (int d in s_d)
                    foreach (int c in s_c)
                    {
                        // The workspace is whatever the library asks for (it may hold per-lane partials): grow its region to fit.
                        int ws = family.WorkspaceLength(n, d, c, ClassifierForm.Auto);
                        if (ws > all[6].Capacity) { all[6].Dispose(); all[6] = new GuardedRegion(ws); }
                        foreach (bool bias in new[] { false, true })
                            foreach (bool tail in new[] { true, false })
                                foreach (ClassifierForm form in new[] { ClassifierForm.Auto, ClassifierForm.Composed, ClassifierForm.Fused })
                                    Case(s, family, all, n, d, c, bias, tail, form, threads: form == ClassifierForm.Fused && (n + d) % 2 == 1 ? 3 : 1);
                    }
        }
        finally { all[6].Dispose(); }
    }

    private static void Case(GuardPageRun s, ClassifierFamily family, GuardedRegion[] r, int n, int d, int c, bool bias, bool tail, ClassifierForm form, int threads)
    {
        // The workspace is exactly what this form asks for: a kernel using more faults at the tail.
        int ws = family.WorkspaceLength(n, d, c, form);
        string variant = $" form={form} threads={threads}";
        GuardedRegion rw = r[0], rb = r[1], rx = r[2], ry = r[3], rdw = r[4], rdb = r[5], rws = r[6];
        float reg = s.Cases % 3 == 0 ? 0f : 1e-2f;
        s.Begin($"{family.Name}.LossAndGradient{(bias ? " with bias" : "")} n={n} d={d} c={c} reg={reg}{variant} at {(tail ? "tail" : "head")}");
        foreach (GuardedRegion g in r) g.All.Fill(Canary.Value);
        int sw = rw.Start(d * c, tail), sb = rb.Start(c, tail), sx = rx.Start(n * d, tail), sy = ry.Start(n, tail);
        int sdw = rdw.Start(d * c, tail), sdb = rdb.Start(c, tail), sws = rws.Start(ws, tail);
        s.FillRandom(rw.All.Slice(sw, d * c), -0.5f, 0.5f);
        s.FillRandom(rb.All.Slice(sb, c), -0.5f, 0.5f);
        s.FillRandom(rx.All.Slice(sx, n * d), -1f, 1f);
        if (family.QuantizeInputs)
        {
            Quantize(rw.All.Slice(sw, d * c), 8);
            Quantize(rb.All.Slice(sb, c), 8);
            Quantize(rx.All.Slice(sx, n * d), 4);
        }
        Span<int> labels = ry.AllInts.Slice(sy, n);
        for (int i = 0; i < n; i++) labels[i] = s.NextInt(c);
        // Outputs start as garbage: the entry overwrites them.
        s.FillRandom(rdw.All.Slice(sdw, d * c), 100f, 200f);
        if (bias) s.FillRandom(rdb.All.Slice(sdb, c), 100f, 200f);
        rws.All.Slice(sws, ws).Fill(float.NaN);

        float[] w = rw.All.Slice(sw, d * c).ToArray(), b = rb.All.Slice(sb, c).ToArray(), x = rx.All.Slice(sx, n * d).ToArray();
        int[] y = labels.ToArray();
        float[] dwRef = new float[d * c], dbRef = new float[c], wsRef = new float[ws];
        float lossRef = bias
            ? family.WithBias(x, w, b, y, dwRef, dbRef, wsRef, n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, KernelPath.Scalar, 1)
            : family.WithoutBias(x, w, y, dwRef, wsRef, n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, KernelPath.Scalar, 1);

        KernelPath path = s.Path;
        float loss = 0;
        rw.ReadOnly(); rb.ReadOnly(); rx.ReadOnly(); ry.ReadOnly();
        bool ran;
        try
        {
            ran = s.Run(() => loss = bias
                ? family.WithBias(rx.All.Slice(sx, n * d), rw.All.Slice(sw, d * c), rb.All.Slice(sb, c), ry.AllInts.Slice(sy, n), rdw.All.Slice(sdw, d * c), rdb.All.Slice(sdb, c), rws.All.Slice(sws, ws), n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, path, threads)
                : family.WithoutBias(rx.All.Slice(sx, n * d), rw.All.Slice(sw, d * c), ry.AllInts.Slice(sy, n), rdw.All.Slice(sdw, d * c), rws.All.Slice(sws, ws), n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, path, threads));
        }
        finally { rw.ReadWrite(); rb.ReadWrite(); rx.ReadWrite(); ry.ReadWrite(); }
        if (!ran) return;

        s.CheckOutside(rdw, sdw, d * c, "dW");
        s.CheckOutside(rdb, bias ? sdb : 0, bias ? c : 0, "db");
        s.CheckOutside(rws, sws, ws, "workspace");
        // Loss: mean of row losses plus ½·reg·ΣW²; gradients: D-term dot products of dS (softmax: (p − onehot)/N; hinge: ±k/N)
        // with X, plus reg·W.
        double scale = 1e-5 * (1 + d);
        s.CompareScalar(lossRef, loss, scale * (1 + Math.Abs(lossRef)), "loss");
        double gmax = 0;
        foreach (float v in dwRef) gmax = Math.Max(gmax, Math.Abs(v));
        // dW and db are sums over N of dS terms that cancel: their error is absolute, a few eps of Σ|terms|.
        s.Compare(dwRef, rdw.All.Slice(sdw, d * c), i => scale * (Math.Abs(dwRef[i]) + gmax) + 1e-6, "dW");
        if (bias)
        {
            double bmax = 0;
            foreach (float v in dbRef) bmax = Math.Max(bmax, Math.Abs(v));
            s.Compare(dbRef, rdb.All.Slice(sdb, c), i => 1e-5 * (Math.Abs(dbRef[i]) + bmax) + 1e-6, "db");
        }
    }

    private static void Quantize(Span<float> v, float steps)
    {
        for (int i = 0; i < v.Length; i++) v[i] = MathF.Round(v[i] * steps) / steps;
    }
}
