using System.Numerics.Tensors;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Cli.Compare;

/// <summary>The built-in shapes of the compare tour, one or more per kernel family, with their anchors.</summary>
internal static class CompareCases
{
    public static IEnumerable<KernelCase> All(bool quick, bool tiny = false)
    {
        if (tiny)
        {
            yield return Gemm("16×16×16", 16, 16, 16, transA: false);
            yield return Gemm("skinny Xᵀ·dS 20×30×10", 20, 10, 30, transA: true);
            yield return Softmax("rows of 10", 10, 50, log: false);
            yield return Softmax("rows of 100", 100, 5, log: true);
            yield return CrossEntropy(50, 10);
            yield return CrossEntropyOptions(50, 10);
            yield return Classifier(20, 30, 10);
            yield return SvmClassifier(20, 30, 10);
            yield return Hinge(50, 10);
            yield return LinearCe(20, 16, 300);
            yield return ClassifierWithDx(20, 30, 10);
            yield break;
        }
        foreach (int size in quick ? new[] { 64, 256 } : [64, 256, 512, 1024])
            yield return Gemm($"{size}×{size}×{size}", size, size, size, transA: false, scalarUntimed: size > 256);
        yield return quick
            ? Gemm("skinny X·W 1000×784×10", 1000, 10, 784, transA: false)
            : Gemm("skinny X·W 5000×3073×10", 5000, 10, 3073, transA: false);
        yield return quick
            ? Gemm("skinny Xᵀ·dS 784×1000×10", 784, 10, 1000, transA: true)
            : Gemm("skinny Xᵀ·dS 3073×5000×10", 3073, 10, 5000, transA: true);
        if (!quick)
        {
            yield return Gemm("MNIST batch X·W 100×784×10", 100, 10, 784, transA: false);
            yield return Gemm("MNIST batch Xᵀ·dS 784×100×10", 784, 10, 100, transA: true);
        }
        // Full run: 40 MB inputs, out of cache, so "% copy" is a fraction of the real limit; quick: cache-resident
        // batches (their "% copy" can pass 100%, the copy bandwidth being measured out of cache).
        yield return Softmax("rows of 10", 10, quick ? 20_000 : 1_000_000, log: false);
        yield return Softmax("rows of 1000", 1000, quick ? 64 : 10_000, log: false);
        yield return Softmax("rows of 1000", 1000, quick ? 64 : 10_000, log: true);
        yield return CrossEntropy(quick ? 20_000 : 1_000_000, 10);
        yield return Hinge(quick ? 20_000 : 1_000_000, 10);
        yield return CrossEntropyOptions(quick ? 20_000 : 1_000_000, 10);
        yield return CrossEntropyOptions(quick ? 64 : 10_000, 1000);
        if (!quick) yield return Classifier(100, 784, 10);
        yield return Classifier(quick ? 1000 : 5000, quick ? 784 : 3073, 10);
        yield return SvmClassifier(quick ? 1000 : 5000, quick ? 784 : 3073, 10);
        yield return quick ? LinearCe(256, 128, 1000) : LinearCe(512, 256, 8000);
        if (!quick) yield return ClassifierWithDx(100, 784, 10);
        yield return ClassifierWithDx(quick ? 1000 : 5000, quick ? 784 : 3073, 10);
    }

    private static float[] Uniform(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return a;
    }

    private static int[] Labels(int n, int c, int seed)
    {
        var rng = new Random(seed);
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rng.Next(c);
        return y;
    }

    private static KernelCase Gemm(string shape, int m, int n, int k, bool transA, bool scalarUntimed = false)
    {
        float[] a = Uniform(m * k, 1), b = Uniform(k * n, 2), c = new float[m * n];
        int lda = transA ? m : k;
        var anchors = new List<Anchor>();
        if (OpenBlas.IsAvailable)
            anchors.Add(new Anchor("OpenBLAS", () => { OpenBlas.Sgemm(transA, false, m, n, k, 1f, a, lda, b, n, 0f, c, n); return c; }, 256));
        // oneDNN's JIT picks its kernels from CPUID: 512-bit where AVX-512 is present.
        if (OneDnn.IsAvailable)
            anchors.Add(new Anchor("oneDNN", () => { OneDnn.Sgemm(transA, false, m, n, k, 1f, a, lda, b, n, 0f, c, n); return c; },
                KernelPaths.IsSupported(KernelPath.Avx512) ? 512 : 256));
        if ((double)m * n * k <= 512.0 * 512 * 512)
            anchors.Add(new Anchor("MathNet", () => { MathNetGemm.Multiply(transA, false, m, n, k, 1f, a, b, 0f, c); return c; }, 256));
        return new KernelCase
        {
            Family = "gemm",
            Name = $"gemm {shape}",
            Flops = 2.0 * m * n * k,
            Bytes = 4.0 * (a.Length + b.Length + c.Length),
            Limit = LimitKind.FmaPeak,
            Tolerance = 1e-5 * Math.Sqrt(k),
            ScalarUntimed = scalarUntimed,
            Anchors = anchors,
            Run = (path, threads) =>
            {
                SimdSoftmax.Gemm.Multiply(a, lda, transA ? Transpose.Yes : Transpose.No, b, n, Transpose.No, c, n, m, n, k, 1f, 0f, path, threads);
                return c;
            },
        };
    }

    private static KernelCase Softmax(string shape, int cols, int rows, bool log)
    {
        float[] x = Uniform(rows * cols, 3, 10f), y = new float[x.Length];
        var anchors = new List<Anchor>();
        if (!log)
        {
            anchors.Add(new Anchor("TensorPrimitives.SoftMax", () =>
            {
                for (int r = 0; r < rows; r++) TensorPrimitives.SoftMax(x.AsSpan(r * cols, cols), y.AsSpan(r * cols, cols));
                return y;
            }, 512));
            anchors.Add(new Anchor("TensorPrimitives stable", () =>
            {
                for (int r = 0; r < rows; r++)
                {
                    Span<float> yr = y.AsSpan(r * cols, cols);
                    TensorPrimitives.Subtract(x.AsSpan(r * cols, cols), TensorPrimitives.Max(x.AsSpan(r * cols, cols)), yr);
                    TensorPrimitives.Exp(yr, yr);
                    TensorPrimitives.Divide(yr, TensorPrimitives.Sum(yr), yr);
                }
                return y;
            }, 512));
        }
        return new KernelCase
        {
            Family = log ? "log-softmax" : "softmax",
            UsesThreads = false,
            Name = $"{(log ? "log-softmax" : "softmax")} {shape} ({rows} rows)",
            Elements = x.Length,
            Bytes = 8.0 * x.Length,
            Limit = LimitKind.CopyBandwidth,
            Tolerance = 1e-5,
            Anchors = anchors,
            Run = (path, threads) =>
            {
                if (log) SimdSoftmax.Softmax.LogRows(x, y, cols, path); else SimdSoftmax.Softmax.Rows(x, y, cols, path);
                return y;
            },
        };
    }

    private static KernelCase CrossEntropy(int n, int c) => RowLoss("cross-entropy", $"cross-entropy loss+grad {n}×{c}", n, c,
        (scores, labels, grad, cols, path) => SoftmaxCrossEntropy.LossAndGradient(scores, labels, grad, cols, path));

    /// <summary>The multiclass SVM on scores, beside cross-entropy on the same shape (the margins are computed in the same order on every path, so gradients agree bit for bit).</summary>
    private static KernelCase Hinge(int n, int c) => RowLoss("svm", $"SVM hinge loss+grad {n}×{c}", n, c,
        (scores, labels, grad, cols, path) => MulticlassSvm.LossAndGradient(scores, labels, grad, cols, path));

    private delegate float RowLossAndGradient(float[] scores, int[] labels, float[] grad, int cols, KernelPath path);

    /// <summary>A loss + gradient over rows of scores on the calling thread: it must read the scores and labels once and write the gradient once.</summary>
    private static KernelCase RowLoss(string family, string name, int n, int c, RowLossAndGradient lossAndGradient)
    {
        float[] scores = Uniform(n * c, 4, 10f), grad = new float[n * c];
        int[] labels = Labels(n, c, 5);
        var result = new float[grad.Length + 1];
        return new KernelCase
        {
            Family = family,
            UsesThreads = false,
            Name = name,
            Elements = scores.Length,
            Bytes = 8.0 * scores.Length + 4.0 * n,
            Limit = LimitKind.CopyBandwidth,
            Tolerance = 1e-5,
            Run = (path, threads) =>
            {
                result[^1] = lossAndGradient(scores, labels, grad, c, path);
                return result;
            },
            Collect = () =>
            {
                grad.CopyTo(result, 0);
                return result;
            },
        };
    }

    private static KernelCase Classifier(int n, int d, int c)
    {
        float[] x = Uniform(n * d, 6), w = Uniform(d * c, 7, 1e-2f), dW = new float[d * c];
        float[] workspace = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
        int[] y = Labels(n, c, 8);
        var result = new float[dW.Length + 1];
        Func<KernelPath, int, float[]> Form(ClassifierForm form) => (path, threads) =>
        {
            result[^1] = SoftmaxLoss.LossAndGradient(x, w, y, dW, workspace, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = form }, path, threads);
            return result;
        };
        var anchors = new List<Anchor>();
        if (OpenBlas.IsAvailable)
            anchors.Add(new Anchor("OpenBLAS composition", () =>
            {
                result[^1] = OpenBlas.ClassifierLossAndGradient(w, x, y, n, d, c, 1e-3f, dW, workspace);
                dW.CopyTo(result, 0);
                return result;
            }, 256));
        return new KernelCase
        {
            Family = "classifier",
            Name = $"classifier loss+grad {n}×{d}×{c}",
            Flops = 4.0 * n * d * c,
            Bytes = 4.0 * x.Length,
            Limit = LimitKind.Roofline,
            Tolerance = 1e-4,
            Run = Form(ClassifierForm.Auto),
            Variants = [("composed", Form(ClassifierForm.Composed)), ("fused", Form(ClassifierForm.Fused))],
            Collect = () =>
            {
                dW.CopyTo(result, 0);
                return result;
            },
            Anchors = anchors,
        };
    }

    /// <summary>
    /// The multiclass SVM classifier, beside the softmax one on the same shape. W is small enough (scores within ±0.2)
    /// that every margin is near 1, far from the hinge's kink, so float rounding cannot flip a margin between paths.
    /// </summary>
    private static KernelCase SvmClassifier(int n, int d, int c)
    {
        float[] x = Uniform(n * d, 6), w = Uniform(d * c, 7, 3e-3f), dW = new float[d * c];
        float[] workspace = new float[SvmLoss.WorkspaceLength(n, d, c)];
        int[] y = Labels(n, c, 8);
        var result = new float[dW.Length + 1];
        Func<KernelPath, int, float[]> Form(ClassifierForm form) => (path, threads) =>
        {
            result[^1] = SvmLoss.LossAndGradient(x, w, y, dW, workspace, n, d, c, new ClassifierOptions { Regularization = 1e-3f, Form = form }, path, threads);
            return result;
        };
        return new KernelCase
        {
            Family = "svm-classifier",
            Name = $"SVM classifier loss+grad {n}×{d}×{c}",
            Flops = 4.0 * n * d * c,
            Bytes = 4.0 * x.Length,
            Limit = LimitKind.Roofline,
            Tolerance = 1e-4,
            Run = Form(ClassifierForm.Auto),
            Variants = [("composed", Form(ClassifierForm.Composed)), ("fused", Form(ClassifierForm.Fused))],
            Collect = () =>
            {
                dW.CopyTo(result, 0);
                return result;
            },
        };
    }

    /// <summary>
    /// Linear layer + cross-entropy with loss, dW, db and dX (LinearCrossEntropy, blocks of rows, no N×C logits);
    /// flops 6·N·D·C (the three GEMMs). The W layout of torch.nn.Linear (C×D), with a bias.
    /// </summary>
    private static KernelCase LinearCe(int n, int d, int c)
    {
        float[] x = Uniform(n * d, 11), w = Uniform(c * d, 12, 5e-2f), b = Uniform(c, 13, 0.5f);
        float[] dW = new float[c * d], db = new float[c], dX = new float[n * d];
        float[] workspace = new float[LinearCrossEntropy.WorkspaceLength(n, d, c)];
        int[] y = Labels(n, c, 14);
        var result = new float[dW.Length + db.Length + dX.Length + 1];
        return new KernelCase
        {
            Family = "linear-ce",
            Name = $"linear+CE loss,dW,db,dX {n}×{d}×{c}",
            Flops = 6.0 * n * d * c,
            Bytes = 4.0 * (2.0 * x.Length + 2.0 * w.Length),
            Limit = LimitKind.Roofline,
            Tolerance = 1e-4,
            ScalarUntimed = (double)n * d * c > 1e8,
            Run = (path, threads) =>
            {
                result[^1] = LinearCrossEntropy.LossAndGradient(x, w, WeightLayout.ClassesByInputs, b, y, dW, db, dX, workspace, y.Length, d, c, default, default, default, path, threads == 0 ? 0 : threads);
                return result;
            },
            Collect = () =>
            {
                dW.CopyTo(result, 0);
                db.CopyTo(result, dW.Length);
                dX.CopyTo(result, dW.Length + db.Length);
                return result;
            },
        };
    }

    /// <summary>
    /// The classifier as a network's last layer: the options overload with dX = dS·Wᵀ (default options, so the fused
    /// pass computes dX per row block). It must read X once and write dX once, so its bytes are both; the roofline
    /// divides them by the read bandwidth, a little optimistic for the written half.
    /// </summary>
    private static KernelCase ClassifierWithDx(int n, int d, int c)
    {
        float[] x = Uniform(n * d, 6), w = Uniform(d * c, 7, 1e-2f), dW = new float[d * c], dX = new float[n * d];
        float[] workspace = new float[SoftmaxLoss.WorkspaceLength(n, d, c)];
        int[] y = Labels(n, c, 8);
        var result = new float[dW.Length + dX.Length + 1];
        return new KernelCase
        {
            Family = "classifier",
            Name = $"classifier + dX {n}×{d}×{c}",
            Flops = 6.0 * n * d * c,
            Bytes = 8.0 * x.Length,
            Limit = LimitKind.Roofline,
            Tolerance = 1e-4,
            Run = (path, threads) =>
            {
                result[^1] = SoftmaxLoss.LossAndGradient(x, w, [], y, dW, [], dX, workspace, n, d, c, new ClassifierOptions { Regularization = 1e-3f }, default, default, path, threads);
                return result;
            },
            Collect = () =>
            {
                dW.CopyTo(result, 0);
                dX.CopyTo(result, dW.Length);
                return result;
            },
        };
    }

    /// <summary>
    /// Cross-entropy with the options a training loop turns on together: class weights, label smoothing 0.1, every
    /// 10th row ignored, and the per-row lse and argmax outputs.
    /// </summary>
    private static KernelCase CrossEntropyOptions(int n, int c)
    {
        float[] logits = Uniform(n * c, 4, 10f), grad = new float[n * c], weights = Uniform(c, 9), lse = new float[n];
        for (int j = 0; j < c; j++) weights[j] = 1f + weights[j] / 2;
        int[] labels = Labels(n, c, 5), argmax = new int[n];
        for (int i = 0; i < n; i += 10) labels[i] = SimdSoftmax.CrossEntropyOptions.PyTorchIgnoreIndex;
        var options = new SimdSoftmax.CrossEntropyOptions
        {
            IgnoreIndex = SimdSoftmax.CrossEntropyOptions.PyTorchIgnoreIndex,
            LabelSmoothing = 0.1f,
        };
        var result = new float[grad.Length + 2 * n + 1];
        return new KernelCase
        {
            Family = "cross-entropy",
            UsesThreads = false,
            Name = $"CE + options (weights, ε 0.1, ignore, lse, argmax) {n}×{c}",
            Elements = logits.Length,
            Bytes = 8.0 * logits.Length + 12.0 * n,
            Limit = LimitKind.CopyBandwidth,
            Tolerance = 1e-5,
            Run = (path, threads) =>
            {
                result[^1] = SoftmaxCrossEntropy.LossAndGradient(logits, labels, grad, c, options with { ClassWeights = weights }, new CrossEntropyRowOutputs { LogSumExp = lse, Argmax = argmax }, path);
                return result;
            },
            Collect = () =>
            {
                grad.CopyTo(result, 0);
                lse.CopyTo(result, grad.Length);
                // argmax/C in [0, 1): a wrong index moves it by ≥ 1/C, far beyond the tolerance against the lse's size.
                for (int i = 0; i < n; i++) result[grad.Length + n + i] = (float)argmax[i] / c;
                return result;
            },
        };
    }
}
