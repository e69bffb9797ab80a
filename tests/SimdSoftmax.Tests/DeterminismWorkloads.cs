namespace SimdSoftmax.Tests;

/// <summary>
/// One call of a public kernel on fixed inputs, shared by the determinism and concurrency tests. <see cref="Run"/>
/// writes into fresh outputs and returns them (with any returned loss appended), so results can be compared bit for bit.
/// With offset 0 the shared input arrays are read directly (many threads at once); with offset o &gt; 0 every input and
/// output is copied to a fresh array starting o floats in, which changes its alignment.
/// </summary>
public sealed class DeterminismWorkload(string family, string name, Func<KernelPath, int, int, float[]> run, bool threaded = false)
{
    public string Family { get; } = family;
    public string Name { get; } = name;

    /// <summary>Whether the entry takes a thread count (GEMM and the classifier).</summary>
    public bool Threaded { get; } = threaded;

    public DeterminismWorkload(string family, string name, Func<KernelPath, int, float[]> run) : this(family, name, (p, o, _) => run(p, o)) { }

    /// <summary>Runs the call; <paramref name="threads"/> is passed where the entry has the parameter (1 = calling thread only).</summary>
    public float[] Run(KernelPath path, int offset = 0, int threads = 1) => run(path, offset, threads);

    public override string ToString() => Name;

    public static readonly string[] Families = ["gemm", "softmax", "crossentropy", "classifier"];

    private static ReadOnlySpan<float> At(float[] shared, int offset, out float[] holder)
    {
        if (offset == 0) { holder = shared; return shared; }
        holder = new float[shared.Length + offset];
        shared.CopyTo(holder, offset);
        return holder.AsSpan(offset);
    }

    private static Span<float> Out(int length, int offset, out float[] holder)
    {
        holder = new float[length + offset];
        return holder.AsSpan(offset);
    }

    private static float[] Append(ReadOnlySpan<float> a, params float[] tail) => [.. a, .. tail];

    public static IReadOnlyList<DeterminismWorkload> All { get; } = Build();

    public static IEnumerable<DeterminismWorkload> Of(string family) => All.Where(w => w.Family == family);

    private static List<DeterminismWorkload> Build()
    {
        var list = new List<DeterminismWorkload>();

        // GEMM: odd sizes off every tile edge, one shape past the cache blocking (MC 144, KC 256), and the strided BLAS form.
        foreach (var (m, n, k) in new[] { (37, 29, 45), (150, 70, 300), (1, 300, 17) })
        {
            float[] a = Data.Uniform(m * k, 101 + m), b = Data.Uniform(k * n, 102 + n);
            list.Add(new("gemm", $"Gemm.Multiply dense {m}x{n}x{k}", (p, o, t) =>
            {
                var sa = At(a, o, out _); var sb = At(b, o, out _); var c = Out(m * n, o, out _);
                Gemm.Multiply(sa, sb, c, m, n, k, p, t);
                return c.ToArray();
            }, threaded: true));
        }
        {
            const int m = 33, n = 47, k = 19, lda = m + 3, ldb = k + 1, ldc = n + 2;
            float[] a = Data.Uniform((k - 1) * lda + m, 103), b = Data.Uniform((n - 1) * ldb + k, 104), c0 = Data.Uniform((m - 1) * ldc + n, 105);
            list.Add(new("gemm", "Gemm.Multiply TT strided alpha/beta", (p, o, t) =>
            {
                var sa = At(a, o, out _); var sb = At(b, o, out _); var c = Out(c0.Length, o, out _);
                c0.CopyTo(c);
                Gemm.Multiply(sa, lda, Transpose.Yes, sb, ldb, Transpose.Yes, c, ldc, m, n, k, 0.7f, 0.3f, p, t);
                return c.ToArray();
            }, threaded: true));
        }

        // Softmax: short rows (the classifier's C = 10) and long ones, out of place and in place.
        foreach (var (rows, cols) in new[] { (200, 10), (9, 1000), (5, 67) })
            foreach (bool log in new[] { false, true })
            {
                float[] x = Data.Uniform(rows * cols, 200 + cols, -20f, 20f);
                list.Add(new("softmax", $"Softmax.{(log ? "LogRows" : "Rows")} {rows}x{cols}", (p, o) =>
                {
                    var sx = At(x, o, out _); var y = Out(x.Length, o, out _);
                    if (log) Softmax.LogRows(sx, y, cols, p); else Softmax.Rows(sx, y, cols, p);
                    return y.ToArray();
                }));
            }
        {
            float[] x = Data.Uniform(31 * 33, 210, -20f, 20f);
            list.Add(new("softmax", "Softmax.Rows 31x33 in place", (p, o) =>
            {
                var xy = Out(x.Length, o, out _); x.CopyTo(xy);
                Softmax.Rows(xy, xy, 33, p);
                return xy.ToArray();
            }));
        }

        // Cross-entropy on logits.
        foreach (var (rows, classes) in new[] { (256, 10), (17, 1000), (9, 33) })
        {
            float[] logits = Data.Uniform(rows * classes, 300 + classes, -10f, 10f);
            int[] labels = Data.Labels(rows, classes, 301);
            list.Add(new("crossentropy", $"SoftmaxCrossEntropy.Loss {rows}x{classes}", (p, o) =>
                [SoftmaxCrossEntropy.Loss(At(logits, o, out _), labels, classes, p)]));
            list.Add(new("crossentropy", $"SoftmaxCrossEntropy.LossAndGradient {rows}x{classes}", (p, o) =>
            {
                var g = Out(logits.Length, o, out _);
                float loss = SoftmaxCrossEntropy.LossAndGradient(At(logits, o, out _), labels, g, classes, p);
                return Append(g, loss);
            }));
        }

        // The classifier, with and without bias; N large enough for any row blocking.
        foreach (var (n, d, c) in new[] { (300, 100, 10), (37, 785, 10), (64, 33, 17) })
        {
            float[] w = Data.Uniform(d * c, 400 + d, -0.05f, 0.05f), x = Data.Uniform(n * d, 401 + n), b = Data.Uniform(c, 402);
            int[] y = Data.Labels(n, c, 403);
            int wsLength = SoftmaxLoss.WorkspaceLength(n, d, c);
            foreach (ClassifierForm form in new[] { ClassifierForm.Auto, ClassifierForm.Composed, ClassifierForm.Fused })
            {
                string f = $" form={form}";
                list.Add(new("classifier", $"SoftmaxLoss.LossAndGradient {n}x{d}x{c}{f}", (p, o, t) =>
                {
                    var dW = Out(d * c, o, out _); var ws = Out(wsLength, o, out _);
                    float loss = SoftmaxLoss.LossAndGradient(At(x, o, out _), At(w, o, out _), y, dW, ws, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = form }, p, t);
                    return Append(dW, loss);
                }, threaded: true));
                list.Add(new("classifier", $"SoftmaxLoss.LossAndGradient+bias {n}x{d}x{c}{f}", (p, o, t) =>
                {
                    var dW = Out(d * c, o, out _); var db = Out(c, o, out _); var ws = Out(wsLength, o, out _);
                    float loss = SoftmaxLoss.LossAndGradient(At(x, o, out _), At(w, o, out _), At(b, o, out _), y, dW, db, ws, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = form }, p, t);
                    return Append([.. dW, .. db], loss);
                }, threaded: true));
            }
        }
        return list;
    }

    /// <summary>Runs every workload of a family on a path; the ones without a kernel yet are left out and their reason kept.</summary>
    public static (List<(DeterminismWorkload Workload, float[] Result)> Ready, string? SkipReason) Reference(string family, KernelPath path)
    {
        var ready = new List<(DeterminismWorkload, float[])>();
        string? reason = null;
        foreach (DeterminismWorkload w in Of(family))
        {
            try { ready.Add((w, w.Run(path))); }
            catch (PlatformNotSupportedException e) { reason ??= e.Message; }
        }
        return (ready, reason);
    }

    /// <summary>Index of the first element whose bits differ (NaN payloads included), or −1.</summary>
    public static int FirstBitDifference(float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length) return 0;
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToUInt32Bits(expected[i]) != BitConverter.SingleToUInt32Bits(actual[i])) return i;
        return -1;
    }

    public static TheoryData<string, KernelPath> FamiliesByPath() => ByPath(Families);

    /// <summary>The families whose entry points take a thread count (softmax and cross-entropy on logits run on the calling thread).</summary>
    public static TheoryData<string, KernelPath> ThreadedFamiliesByPath() => ByPath(["gemm", "classifier"]);

    private static TheoryData<string, KernelPath> ByPath(string[] families)
    {
        var d = new TheoryData<string, KernelPath>();
        foreach (string f in families)
            foreach (KernelPath p in new[] { KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 })
                d.Add(f, p);
        return d;
    }
}
