namespace SimdSoftmax.GuardPages;

/// <summary>
/// SoftmaxLoss.LossAndGradient with and without bias on guarded spans: N, D, C around tile and vector edges;
/// W, b, X, y read-only; the workspace exactly <see cref="SoftmaxLoss.WorkspaceLength"/> long, so a kernel
/// using more than it asked for faults.
/// </summary>
internal static class ClassifierGuardPageCases
{
    private static readonly int[] s_n = [0, 1, 2, 3, 5, 8, 9, 16, 17, 33];
    private static readonly int[] s_d = [0, 1, 2, 3, 7, 8, 9, 16, 17, 33];
    private static readonly int[] s_c = [1, 2, 3, 7, 8, 9, 10, 15, 16, 17, 33];
    private const int Capacity = 64 * 64;

    public static void Run(GuardPageRun s)
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
                        int ws = SoftmaxLoss.WorkspaceLength(n, d, c);
                        if (ws > all[6].Capacity) { all[6].Dispose(); all[6] = new GuardedRegion(ws); }
                        foreach (bool bias in new[] { false, true })
                            foreach (bool tail in new[] { true, false })
                                foreach (ClassifierForm form in new[] { ClassifierForm.Auto, ClassifierForm.Composed, ClassifierForm.Fused })
                                    Case(s, all, n, d, c, bias, tail, form, threads: form == ClassifierForm.Fused && (n + d) % 2 == 1 ? 3 : 1);
                    }
        }
        finally { all[6].Dispose(); }
    }

    private static void Case(GuardPageRun s, GuardedRegion[] r, int n, int d, int c, bool bias, bool tail, ClassifierForm form, int threads)
    {
        // The workspace is exactly what this form asks for: a kernel using more faults at the tail.
        int ws = SoftmaxLoss.WorkspaceLength(n, d, c, form);
        string variant = $" form={form} threads={threads}";
        GuardedRegion rw = r[0], rb = r[1], rx = r[2], ry = r[3], rdw = r[4], rdb = r[5], rws = r[6];
        float reg = s.Cases % 3 == 0 ? 0f : 1e-2f;
        s.Begin($"SoftmaxLoss.LossAndGradient{(bias ? " with bias" : "")} n={n} d={d} c={c} reg={reg}{variant} at {(tail ? "tail" : "head")}");
        foreach (GuardedRegion g in r) g.All.Fill(Canary.Value);
        int sw = rw.Start(d * c, tail), sb = rb.Start(c, tail), sx = rx.Start(n * d, tail), sy = ry.Start(n, tail);
        int sdw = rdw.Start(d * c, tail), sdb = rdb.Start(c, tail), sws = rws.Start(ws, tail);
        s.FillRandom(rw.All.Slice(sw, d * c), -0.5f, 0.5f);
        s.FillRandom(rb.All.Slice(sb, c), -0.5f, 0.5f);
        s.FillRandom(rx.All.Slice(sx, n * d), -1f, 1f);
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
            ? SoftmaxLoss.LossAndGradient(x, w, b, y, dwRef, dbRef, wsRef, n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, KernelPath.Scalar)
            : SoftmaxLoss.LossAndGradient(x, w, y, dwRef, wsRef, n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, KernelPath.Scalar);

        KernelPath path = s.Path;
        float loss = 0;
        rw.ReadOnly(); rb.ReadOnly(); rx.ReadOnly(); ry.ReadOnly();
        bool ran;
        try
        {
            ran = s.Run(() => loss = bias
                ? SoftmaxLoss.LossAndGradient(rx.All.Slice(sx, n * d), rw.All.Slice(sw, d * c), rb.All.Slice(sb, c), ry.AllInts.Slice(sy, n), rdw.All.Slice(sdw, d * c), rdb.All.Slice(sdb, c), rws.All.Slice(sws, ws), n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, path, threads)
                : SoftmaxLoss.LossAndGradient(rx.All.Slice(sx, n * d), rw.All.Slice(sw, d * c), ry.AllInts.Slice(sy, n), rdw.All.Slice(sdw, d * c), rws.All.Slice(sws, ws), n, d, c, new ClassifierOptions { Regularization = reg, Form = form }, path, threads));
        }
        finally { rw.ReadWrite(); rb.ReadWrite(); rx.ReadWrite(); ry.ReadWrite(); }
        if (!ran) return;

        s.CheckOutside(rdw, sdw, d * c, "dW");
        s.CheckOutside(rdb, bias ? sdb : 0, bias ? c : 0, "db");
        s.CheckOutside(rws, sws, ws, "workspace");
        // Loss: mean of logs plus ½·reg·ΣW²; gradients: D-term dot products of (p − onehot)/N with X, plus reg·W.
        double scale = 1e-5 * (1 + d);
        s.CompareScalar(lossRef, loss, scale * (1 + Math.Abs(lossRef)), "loss");
        double gmax = 0;
        foreach (float v in dwRef) gmax = Math.Max(gmax, Math.Abs(v));
        // dW and db are sums over N of (p − onehot)/N terms that cancel: their error is absolute, a few eps of Σ|terms| ≤ 2·max|x|.
        s.Compare(dwRef, rdw.All.Slice(sdw, d * c), i => scale * (Math.Abs(dwRef[i]) + gmax) + 1e-6, "dW");
        if (bias)
        {
            double bmax = 0;
            foreach (float v in dbRef) bmax = Math.Max(bmax, Math.Abs(v));
            s.Compare(dbRef, rdb.All.Slice(sdb, c), i => 1e-5 * (Math.Abs(dbRef[i]) + bmax) + 1e-6, "db");
        }
    }
}
