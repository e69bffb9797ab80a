namespace SimdSoftmax.Tests;

/// <summary>
/// Bit-for-bit fingerprints of the row families' public entries (softmax, log-softmax, cross-entropy, the classifier in
/// both forms) on every SIMD path, over row lengths that reach every kernel: the in-register short rows (1..16), the
/// transposed tiles (17..64), the row pipeline (65..4096), the per-row loop (rows longer than 4096, or a single row) and
/// the streaming path (≥ 4M floats out of place with rows ≥ 512). Each group's outputs (float bits, losses included) are
/// hashed with FNV-1a; the expected hashes are <see cref="Expected"/>. Refactoring the kernels must keep them equal.
/// </summary>
public static class RowFamilyFingerprints
{
    /// <summary>One group of calls: the name and the function that runs it on a path and feeds a hash.</summary>
    public sealed record Group(string Name, Action<KernelPath, Fnv> Run)
    {
        public override string ToString() => Name;
    }

    /// <summary>FNV-1a over 32-bit words.</summary>
    public sealed class Fnv
    {
        private ulong _h = 14695981039346656037UL;

        public void Add(int word)
        {
            for (int i = 0; i < 4; i++)
            {
                _h ^= (byte)(word >> (8 * i));
                _h *= 1099511628211UL;
            }
        }

        public void Add(float value) => Add(BitConverter.SingleToInt32Bits(value));

        public void Add(ReadOnlySpan<float> values)
        {
            foreach (float v in values) Add(v);
        }

        public ulong Value => _h;
    }

    private static readonly int[] RowCounts = [1, 7, 8, 9, 15, 16, 17, 37];

    private static IEnumerable<int> Range(int from, int to) => Enumerable.Range(from, to - from + 1);

    public static IReadOnlyList<Group> Groups { get; } = Build();

    private static List<Group> Build()
    {
        var groups = new List<Group>();
        var lengths = new (string Name, int[] Cols)[]
        {
            ("short 1..16", [.. Range(1, 16)]),
            ("tile 17..64", [.. Range(17, 64)]),
            ("pipeline", [65, 66, 79, 100, 257, 1000, 4095, 4096]),
            ("per-row", [4097, 5003]),
        };
        foreach (var (name, cols) in lengths)
        {
            groups.Add(new($"Softmax {name}", (p, h) => SoftmaxGroup(p, h, cols, log: false)));
            groups.Add(new($"LogSoftmax {name}", (p, h) => SoftmaxGroup(p, h, cols, log: true)));
            groups.Add(new($"CrossEntropy {name}", (p, h) => CrossEntropyGroup(p, h, cols)));
        }
        groups.Add(new("Softmax streaming", (p, h) => Streaming(p, h, log: false)));
        groups.Add(new("LogSoftmax streaming", (p, h) => Streaming(p, h, log: true)));
        foreach (var form in new[] { ClassifierForm.Composed, ClassifierForm.Fused })
            foreach (bool bias in new[] { false, true })
                foreach (int threads in new[] { 1, 2 })
                    groups.Add(new($"Classifier {form} bias={bias} threads={threads}", (p, h) => Classifier(p, h, form, bias, threads)));
        return groups;
    }

    private static void SoftmaxGroup(KernelPath path, Fnv h, int[] lengths, bool log)
    {
        foreach (int cols in lengths)
            foreach (int rows in cols > 1000 ? new[] { 1, 3 } : RowCounts)
            {
                float[] x = Data.Uniform(rows * cols, 1000 * cols + rows, -30f, 30f);
                if (rows * cols > 5) { x[3] = float.NegativeInfinity; }
                var y = new float[x.Length];
                if (log) Softmax.LogRows(x, y, cols, path); else Softmax.Rows(x, y, cols, path);
                h.Add(y);
                if (log) Softmax.LogRows(x, x, cols, path); else Softmax.Rows(x, x, cols, path);
                h.Add(x);
            }
    }

    private static void CrossEntropyGroup(KernelPath path, Fnv h, int[] lengths)
    {
        foreach (int classes in lengths)
            foreach (int rows in classes > 1000 ? new[] { 1, 3 } : RowCounts)
            {
                float[] s = Data.Uniform(rows * classes, 2000 * classes + rows, -25f, 25f);
                int[] labels = Data.Labels(rows, classes, classes + 7 * rows);
                h.Add(SoftmaxCrossEntropy.Loss(s, labels, classes, path));
                var g = new float[s.Length];
                h.Add(SoftmaxCrossEntropy.LossAndGradient(s, labels, g, classes, path));
                h.Add(g);
                h.Add(SoftmaxCrossEntropy.LossAndGradient(s, labels, s, classes, path));
                h.Add(s);
            }
    }

    /// <summary>4M floats out of place with rows of 512 and of 4096 + 512 (longer than the streaming scratch).</summary>
    private static void Streaming(KernelPath path, Fnv h, bool log)
    {
        const int floats = 4 << 20;
        float[] x = Data.Uniform(floats, 77, -10f, 10f);
        var y = new float[floats];
        foreach (int cols in new[] { 512, 4608 })
        {
            int length = floats / cols * cols + (floats % cols == 0 ? 0 : cols);
            float[] xs = length == floats ? x : [.. x, .. x.AsSpan(0, length - floats)];
            float[] ys = length == floats ? y : new float[length];
            if (log) Softmax.LogRows(xs, ys, cols, path); else Softmax.Rows(xs, ys, cols, path);
            h.Add(ys);
        }
    }

    private static void Classifier(KernelPath path, Fnv h, ClassifierForm form, bool bias, int threads)
    {
        foreach (var (n, d, c) in new[] { (37, 5, 3), (200, 70, 10), (33, 31, 16), (1100, 40, 17), (64, 100, 40), (20, 65, 64), (9, 33, 100) })
        {
            float[] w = Data.Uniform(d * c, n + d + c, -0.5f, 0.5f), x = Data.Uniform(n * d, 3 * n + d), b = Data.Uniform(c, c);
            int[] y = Data.Labels(n, c, n * c);
            var dW = new float[d * c];
            var db = new float[c];
            var workspace = new float[SoftmaxLoss.WorkspaceLength(n, d, c, form)];
            float loss = bias
                ? SoftmaxLoss.LossAndGradient(x, w, b, y, dW, db, workspace, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = form }, path, threads)
                : SoftmaxLoss.LossAndGradient(x, w, y, dW, workspace, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = form }, path, threads);
            h.Add(loss);
            h.Add(dW);
            if (bias) h.Add(db);
        }
    }
}
