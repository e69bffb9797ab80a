using System.Runtime.InteropServices;

namespace SimdSoftmax.Tests;

/// <summary>
/// The rest of the bad-input sweep (issue 8): every public entry with each invalid argument not covered in
/// ValidationTests.cs — transposed views too short, zero/negative/overflowing strides, int.MinValue sizes, products that
/// overflow int, overlaps by a single element or shifted backwards, labels at the int extremes, −∞ and −ε reg, inputs
/// that alias an int span, and undefined enum values (including <see cref="KernelPath"/>, checked after everything else).
/// Kept in its own file so cases added to ValidationTests.cs by others merge without conflicts.
/// </summary>
public partial class ValidationTests
{
    private const KernelPath UndefinedPath = (KernelPath)99;

    private static IEnumerable<Case> HardeningCases()
    {
        var AOORE = typeof(ArgumentOutOfRangeException);
        var AE = typeof(ArgumentException);
        float[] a6 = new float[6], b6 = new float[6];
        const Transpose N = Transpose.No, T = Transpose.Yes;

        // ---- Gemm, full BLAS form (m=2, n=3, k=2 nominal) ----
        yield return new("gemm m int.MinValue", AOORE, "m", (p, c) => Gemm.Multiply(a6, 2, N, b6, 3, N, c, 3, int.MinValue, 3, 2, 1, 0, p));
        yield return new("gemm a too short transposed", AE, "a", (p, c) => Gemm.Multiply(a6.AsSpan(0, 5), 3, T, b6, 3, N, c, 3, 3, 3, 2, 1, 0, p));
        yield return new("gemm b too short transposed", AE, "b", (p, c) => Gemm.Multiply(a6, 2, N, b6.AsSpan(0, 5), 2, T, c, 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm c too short with m zero rows ok but n mismatch", AE, "c", (p, c) => Gemm.Multiply(a6, 2, N, b6, 3, N, c.AsSpan(0, 2), 3, 1, 3, 2, 1, 0, p));
        yield return new("gemm lda zero with k zero", AOORE, "lda", (p, c) => Gemm.Multiply([], 0, N, [], 3, N, c, 3, 2, 3, 0, 1, 0, p));
        yield return new("gemm negative lda", AOORE, "lda", (p, c) => Gemm.Multiply(a6, -2, N, b6, 3, N, c, 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm negative ldb", AOORE, "ldb", (p, c) => Gemm.Multiply(a6, 2, N, b6, -3, N, c, 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm negative ldc", AOORE, "ldc", (p, c) => Gemm.Multiply(a6, 2, N, b6, 3, N, c, -3, 2, 3, 2, 1, 0, p));
        yield return new("gemm ldb zero transposed with k zero", AOORE, "ldb", (p, c) => Gemm.Multiply([], 1, N, [], 0, T, c, 3, 2, 3, 0, 1, 0, p));
        yield return new("gemm rows·lda overflows", AOORE, "lda", (p, c) => Gemm.Multiply(a6, 1 << 12, N, b6, 3, N, c, 3, 1 << 20, 3, 2, 1, 0, p));
        yield return new("gemm rows·ldc overflows", AOORE, "ldc", (p, c) => Gemm.Multiply([], 1, N, [], 3, N, c, 1 << 12, 1 << 20, 3, 0, 1, 0, p));
        yield return new("gemm c shares one element with a", AE, "c", (p, c) => Gemm.Multiply(c.AsSpan(0, 4), 2, N, b6, 2, N, c.AsSpan(3, 4), 2, 2, 2, 2, 1, 0, p));
        yield return new("gemm c overlaps a from below", AE, "c", (p, c) => Gemm.Multiply(c.AsSpan(3, 4), 2, N, b6, 2, N, c.AsSpan(0, 4), 2, 2, 2, 2, 1, 0, p));
        yield return new("gemm c overlaps a transposed", AE, "c", (p, c) => Gemm.Multiply(c.AsSpan(0, 4), 2, T, b6, 2, N, c.AsSpan(1, 4), 2, 2, 2, 2, 1, 0, p));
        yield return new("gemm c overlaps b with alpha zero", AE, "c", (p, c) => Gemm.Multiply(a6, 2, N, c.AsSpan(2, 4), 2, N, c.AsSpan(0, 4), 2, 2, 2, 2, 0, 1, p));
        yield return new("gemm undefined transA with valid rest", AOORE, "transA", (p, c) => Gemm.Multiply(a6, 2, (Transpose)2, b6, 3, N, c, 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm undefined path", AOORE, "path", (p, c) => Gemm.Multiply(a6, 2, N, b6, 3, N, c, 3, 2, 3, 2, 1, 0, UndefinedPath));
        yield return new("gemm negative path", AOORE, "path", (p, c) => Gemm.Multiply(a6, 2, N, b6, 3, N, c, 3, 2, 3, 2, 1, 0, (KernelPath)(-1)));

        // ---- Gemm, dense form ----
        yield return new("gemm dense negative m", AOORE, "m", (p, c) => Gemm.Multiply(a6, b6, c, -2, 3, 2, p));
        yield return new("gemm dense negative k", AOORE, "k", (p, c) => Gemm.Multiply(a6, b6, c, 2, 3, -2, p));
        yield return new("gemm dense k·n overflows", AOORE, "n", (p, c) => Gemm.Multiply([], b6, c, 0, 1 << 16, 1 << 16, p));
        yield return new("gemm dense m·n overflows", AOORE, "n", (p, c) => Gemm.Multiply([], [], c, 1 << 16, 1 << 16, 0, p));
        yield return new("gemm dense c too long", AE, "c", (p, c) => Gemm.Multiply(a6.AsSpan(0, 4), b6, c.AsSpan(0, 7), 2, 3, 2, p));
        yield return new("gemm dense c overlaps a", AE, "c", (p, c) => Gemm.Multiply(c.AsSpan(5, 4), b6, c.AsSpan(0, 6), 2, 3, 2, p));
        yield return new("gemm dense undefined path", AOORE, "path", (p, c) => Gemm.Multiply(a6.AsSpan(0, 4), b6, c.AsSpan(0, 6), 2, 3, 2, UndefinedPath));

        // ---- Softmax, both entries (2 rows of 3) ----
        foreach (bool log in new[] { false, true })
        {
            string f = log ? "log-softmax" : "softmax";
            void S(ReadOnlySpan<float> x, Span<float> y, int cols, KernelPath p) { if (log) Softmax.LogRows(x, y, cols, p); else Softmax.Rows(x, y, cols, p); }
            yield return new($"{f} cols int.MinValue", AOORE, "cols", (p, c) => S(a6, c.AsSpan(0, 6), int.MinValue, p));
            yield return new($"{f} cols zero with empty x but a non-empty y", AE, "y", (p, c) => S([], c.AsSpan(0, 1), 0, p));
            yield return new($"{f} y longer than x", AE, "y", (p, c) => S(a6, c.AsSpan(0, 7), 3, p));
            yield return new($"{f} y empty x not", AE, "y", (p, c) => S(a6, c.AsSpan(0, 0), 3, p));
            yield return new($"{f} y overlaps x shifted back", AE, "y", (p, c) => S(c.AsSpan(1, 6), c.AsSpan(0, 6), 3, p));
            yield return new($"{f} y shares last element of x", AE, "y", (p, c) => S(c.AsSpan(0, 6), c.AsSpan(5, 6), 3, p));
            yield return new($"{f} undefined path", AOORE, "path", (p, c) => S(a6, c.AsSpan(0, 6), 3, UndefinedPath));
        }

        // ---- Cross-entropy on logits (2 rows of 3) ----
        int[] y2 = [0, 2];
        yield return new("ce loss labels -1", AOORE, "labels", (p, c) => SoftmaxCrossEntropy.Loss(a6, [-1, 0], 3, p));
        yield return new("ce loss labels int.MinValue", AOORE, "labels", (p, c) => SoftmaxCrossEntropy.Loss(a6, [0, int.MinValue], 3, p));
        yield return new("ce labels int.MaxValue", AOORE, "labels", (p, c) => SoftmaxCrossEntropy.LossAndGradient(a6, [int.MaxValue, 0], c.AsSpan(0, 6), 3, p));
        yield return new("ce loss classes negative", AOORE, "cols", (p, c) => SoftmaxCrossEntropy.Loss(a6, y2, -3, p));
        yield return new("ce loss classes zero with rows", AOORE, "cols", (p, c) => SoftmaxCrossEntropy.Loss([], y2, 0, p));
        yield return new("ce loss logits wrong length", AE, "logits", (p, c) => SoftmaxCrossEntropy.Loss(a6.AsSpan(0, 5), y2, 3, p));
        yield return new("ce loss logits without labels", AE, "labels", (p, c) => SoftmaxCrossEntropy.Loss(a6, [], 3, p));
        yield return new("ce loss logits not whole rows of a huge cols", AE, "logits", (p, c) => SoftmaxCrossEntropy.Loss(a6, new int[1 << 16], 1 << 16, p));
        yield return new("ce dLogits longer", AE, "dLogits", (p, c) => SoftmaxCrossEntropy.LossAndGradient(a6, y2, c.AsSpan(0, 7), 3, p));
        yield return new("ce dLogits overlaps logits shifted back", AE, "dLogits", (p, c) => SoftmaxCrossEntropy.LossAndGradient(c.AsSpan(2, 6), y2, c.AsSpan(0, 6), 3, p));
        yield return new("ce dLogits same start shorter", AE, "dLogits", (p, c) => SoftmaxCrossEntropy.LossAndGradient(c.AsSpan(0, 6), y2, c.AsSpan(0, 5), 3, p));
        yield return new("ce loss undefined path", AOORE, "path", (p, c) => SoftmaxCrossEntropy.Loss(a6, y2, 3, UndefinedPath));
        yield return new("ce undefined path", AOORE, "path", (p, c) => SoftmaxCrossEntropy.LossAndGradient(a6, y2, c.AsSpan(0, 6), 3, UndefinedPath));

        // ---- Classifier (N=2, D=3, C=2) ----
        float[] w = new float[6], x = new float[6], bb = new float[2], ws = new float[SoftmaxLoss.WorkspaceLength(2, 3, 2)];
        int[] y = [0, 1];
        Span<float> dW(float[] c) => c.AsSpan(0, 6);
        Span<float> db(float[] c) => c.AsSpan(6, 2);
        yield return new("loss n int.MinValue", AOORE, "rows", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, dW(c), ws, int.MinValue, 3, 2, path: p));
        yield return new("loss d·c overflows", AOORE, "classes", (p, c) => SoftmaxLoss.LossAndGradient([], [], [], dW(c), ws, 0, 1 << 16, 1 << 16, path: p));
        yield return new("loss workspace n·c overflows", AOORE, "rows", (p, c) => SoftmaxLoss.LossAndGradient([], [], new int[1 << 16], dW(c), ws, 1 << 16, 0, 1 << 16, path: p));
        yield return new("loss regularization -infinity", AOORE, "options", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, dW(c), ws, 2, 3, 2, new ClassifierOptions { Regularization = float.NegativeInfinity }, p));
        yield return new("loss regularization -epsilon", AOORE, "options", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, dW(c), ws, 2, 3, 2, new ClassifierOptions { Regularization = -float.Epsilon }, p));
        yield return new("loss dW overlaps w from below", AE, "dW", (p, c) => SoftmaxLoss.LossAndGradient(x, c.AsSpan(5, 6), y, dW(c), ws, 2, 3, 2, path: p));
        yield return new("loss dW overlaps labels", AE, "dW", (p, c) => SoftmaxLoss.LossAndGradient(x, w, MemoryMarshal.Cast<float, int>(c.AsSpan(4, 2)), dW(c), ws, 2, 3, 2, path: p));
        yield return new("loss workspace overlaps w", AE, "workspace", (p, c) => SoftmaxLoss.LossAndGradient(x, c.AsSpan(0, 6), y, new float[6], c.AsSpan(3), 2, 3, 2, path: p));
        yield return new("loss workspace overlaps labels", AE, "workspace", (p, c) => SoftmaxLoss.LossAndGradient(x, w, MemoryMarshal.Cast<float, int>(c.AsSpan(40, 2)), dW(c), c.AsSpan(8), 2, 3, 2, path: p));
        yield return new("loss dW longer", AE, "dW", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 7), ws, 2, 3, 2, path: p));
        yield return new("loss labels longer", AE, "labels", (p, c) => SoftmaxLoss.LossAndGradient(x, w, [0, 1, 0], dW(c), ws, 2, 3, 2, path: p));
        yield return new("loss undefined path", AOORE, "path", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, dW(c), ws, 2, 3, 2, path: UndefinedPath));
        // with bias
        yield return new("loss+bias negative n", AOORE, "rows", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, dW(c), db(c), ws, -2, 3, 2, path: p));
        yield return new("loss+bias negative d", AOORE, "features", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, dW(c), db(c), ws, 2, -3, 2, path: p));
        yield return new("loss+bias negative c", AOORE, "classes", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, dW(c), db(c), ws, 2, 3, -2, path: p));
        yield return new("loss+bias c zero with samples", AOORE, "classes", (p, c) => SoftmaxLoss.LossAndGradient(x, [], [], y, [], [], ws, 2, 3, 0, path: p));
        yield return new("loss+bias w wrong length", AE, "w", (p, c) => SoftmaxLoss.LossAndGradient(x, w.AsSpan(0, 5), bb, y, dW(c), db(c), ws, 2, 3, 2, path: p));
        yield return new("loss+bias x wrong length", AE, "x", (p, c) => SoftmaxLoss.LossAndGradient(x.AsSpan(0, 5), w, bb, y, dW(c), db(c), ws, 2, 3, 2, path: p));
        yield return new("loss+bias labels wrong length", AE, "labels", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, [1], dW(c), db(c), ws, 2, 3, 2, path: p));
        yield return new("loss+bias dW wrong length", AE, "dW", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, c.AsSpan(0, 5), db(c), ws, 2, 3, 2, path: p));
        yield return new("loss+bias bias longer", AE, "bias", (p, c) => SoftmaxLoss.LossAndGradient(x, w, new float[3], y, dW(c), db(c), ws, 2, 3, 2, path: p));
        yield return new("loss+bias workspace too short", AE, "workspace", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, dW(c), db(c), ws.AsSpan(1), 2, 3, 2, path: p));
        yield return new("loss+bias label -1", AOORE, "labels", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, [-1, 0], dW(c), db(c), ws, 2, 3, 2, path: p));
        yield return new("loss+bias regularization NaN", AOORE, "options", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, dW(c), db(c), ws, 2, 3, 2, new ClassifierOptions { Regularization = float.NaN }, p));
        yield return new("loss+bias regularization negative", AOORE, "options", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, dW(c), db(c), ws, 2, 3, 2, new ClassifierOptions { Regularization = -0.5f }, p));
        yield return new("loss+bias dW overlaps bias", AE, "dW", (p, c) => SoftmaxLoss.LossAndGradient(x, w, c.AsSpan(5, 2), y, dW(c), c.AsSpan(10, 2), ws, 2, 3, 2, path: p));
        yield return new("loss+bias dBias overlaps w", AE, "dBias", (p, c) => SoftmaxLoss.LossAndGradient(x, c.AsSpan(10, 6), bb, y, dW(c), c.AsSpan(15, 2), ws, 2, 3, 2, path: p));
        yield return new("loss+bias dBias overlaps x", AE, "dBias", (p, c) => SoftmaxLoss.LossAndGradient(c.AsSpan(10, 6), w, bb, y, dW(c), c.AsSpan(11, 2), ws, 2, 3, 2, path: p));
        yield return new("loss+bias dBias overlaps labels", AE, "dBias", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, MemoryMarshal.Cast<float, int>(c.AsSpan(6, 2)), dW(c), db(c), ws, 2, 3, 2, path: p));
        yield return new("loss+bias workspace overlaps dBias", AE, "workspace", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, dW(c), db(c), c.AsSpan(7), 2, 3, 2, path: p));
        yield return new("loss+bias workspace overlaps bias", AE, "workspace", (p, c) => SoftmaxLoss.LossAndGradient(x, w, c.AsSpan(20, 2), y, dW(c), db(c), c.AsSpan(21, 10), 2, 3, 2, path: p));
        yield return new("loss+bias undefined path", AOORE, "path", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, dW(c), db(c), ws, 2, 3, 2, path: UndefinedPath));
        yield return new("workspace length negative d", AOORE, "features", (p, c) => SoftmaxLoss.WorkspaceLength(2, -1, 2));
        yield return new("workspace length negative c", AOORE, "classes", (p, c) => SoftmaxLoss.WorkspaceLength(2, 3, -1));
        yield return new("workspace length n·c overflows", AOORE, "rows", (p, c) => SoftmaxLoss.WorkspaceLength(1 << 16, 3, 1 << 16));
        foreach (Case c in TrainingCases()) yield return c;
    }

    /// <summary>
    /// dLogits aliasing the labels: a kernel writing row i's gradient would overwrite labels it has yet to read (and then
    /// index with garbage). Needs valid labels in the aliased memory, so it cannot use the canary buffer of the table.
    /// </summary>
    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Ce_gradient_overlapping_the_labels_is_rejected_and_labels_untouched(KernelPath path)
    {
        Paths.Require(path);
        int[] memory = [0, 1, 2, 0, 1, 2, 7, 7];
        int[] before = (int[])memory.Clone();
        ArgumentException? caught = null;
        try
        {
            // labels = memory[0..2], dLogits = the same bytes seen as 6 floats.
            SoftmaxCrossEntropy.LossAndGradient(new float[6], memory.AsSpan(0, 2), MemoryMarshal.Cast<int, float>(memory.AsSpan(0, 6)), 3, path);
        }
        catch (ArgumentException e) { caught = e; }
        Assert.NotNull(caught);
        Assert.IsType<ArgumentException>(caught);
        Assert.Equal("dLogits", caught.ParamName);
        Assert.Equal(before, memory);
    }

    [Fact]
    public void Case_count_for_the_report()
    {
        int cases = Cases().Count();
        Assert.True(cases >= 150, $"{cases} cases");
    }
}

/// <summary>The training entries (SoftmaxClassifier): constructor, Scores, Predict, Accuracy and Train with bad arguments.</summary>
public partial class ValidationTests
{
    /// <summary>Runs a call on a fresh model; if the model's weights or bias changed, that error replaces the expected one.</summary>
    private static void OnModel(Action<SoftmaxClassifier> call)
    {
        var model = new SoftmaxClassifier(3, 2, WeightInit.SmallGaussian, seed: 1);
        float[] w0 = (float[])model.Weights.Clone(), b0 = (float[])model.Bias.Clone();
        try { call(model); }
        finally
        {
            if (!w0.AsSpan().SequenceEqual(model.Weights) || !b0.AsSpan().SequenceEqual(model.Bias))
                throw new InvalidOperationException("a rejected call changed the model's weights or bias");
        }
    }

    private static IEnumerable<Case> TrainingCases()
    {
        var AOORE = typeof(ArgumentOutOfRangeException);
        var AE = typeof(ArgumentException);
        float[] x6 = new float[6];
        int[] y2 = [0, 1];
        // Constructor.
        yield return new("classifier features zero", AOORE, "features", (p, c) => _ = new SoftmaxClassifier(0, 2));
        yield return new("classifier classes negative", AOORE, "classes", (p, c) => _ = new SoftmaxClassifier(3, -1));
        yield return new("classifier D·C overflows", AOORE, "classes", (p, c) => _ = new SoftmaxClassifier(1 << 16, 1 << 16));
        yield return new("classifier undefined init", AOORE, "init", (p, c) => _ = new SoftmaxClassifier(3, 2, (WeightInit)9));
        // Scores (N=2, D=3, C=2).
        yield return new("scores negative n", AOORE, "rows", (p, c) => OnModel(m => m.Scores(x6, c.AsSpan(0, 4), -1, p)));
        yield return new("scores x wrong length", AE, "x", (p, c) => OnModel(m => m.Scores(x6.AsSpan(0, 5), c.AsSpan(0, 4), 2, p)));
        yield return new("scores wrong length", AE, "scores", (p, c) => OnModel(m => m.Scores(x6, c.AsSpan(0, 5), 2, p)));
        yield return new("scores overlaps x", AE, "scores", (p, c) => OnModel(m => m.Scores(c.AsSpan(0, 6), c.AsSpan(5, 4), 2, p)));
        yield return new("scores undefined path", AOORE, "path", (p, c) => OnModel(m => m.Scores(x6, c.AsSpan(0, 4), 2, UndefinedPath)));
        // Predict / Accuracy.
        yield return new("predict negative n", AOORE, "rows", (p, c) => OnModel(m => m.Predict(x6, MemoryMarshal.Cast<float, int>(c.AsSpan(0, 2)), -2, p)));
        yield return new("predict x wrong length", AE, "x", (p, c) => OnModel(m => m.Predict(x6.AsSpan(0, 5), MemoryMarshal.Cast<float, int>(c.AsSpan(0, 2)), 2, p)));
        yield return new("predict predictions wrong length", AE, "predictions", (p, c) => OnModel(m => m.Predict(x6, MemoryMarshal.Cast<float, int>(c.AsSpan(0, 3)), 2, p)));
        yield return new("predict predictions overlap x", AE, "predictions", (p, c) => OnModel(m => m.Predict(c.AsSpan(0, 6), MemoryMarshal.Cast<float, int>(c.AsSpan(4, 2)), 2, p)));
        yield return new("predict undefined path", AOORE, "path", (p, c) => OnModel(m => m.Predict(x6, MemoryMarshal.Cast<float, int>(c.AsSpan(0, 2)), 2, UndefinedPath)));
        yield return new("predict array negative n", AOORE, "rows", (p, c) => OnModel(m => m.Predict(x6, -1, p)));
        yield return new("accuracy labels wrong length", AE, "labels", (p, c) => OnModel(m => m.Accuracy(x6, [0], 2, p)));
        yield return new("accuracy x wrong length", AE, "x", (p, c) => OnModel(m => m.Accuracy(x6.AsSpan(0, 4), y2, 2, p)));
        // Train: the model must be untouched by a rejected call.
        TrainingOptions O(KernelPath p) => new() { Iterations = 3, BatchSize = 2, Path = p };
        yield return new("train negative n", AOORE, "rows", (p, c) => OnModel(m => m.Train(x6, y2, -2, O(p))));
        yield return new("train x wrong length", AE, "x", (p, c) => OnModel(m => m.Train(x6.AsSpan(0, 5), y2, 2, O(p))));
        yield return new("train labels wrong length", AE, "labels", (p, c) => OnModel(m => m.Train(x6, [0], 2, O(p))));
        yield return new("train label == C", AOORE, "labels", (p, c) => OnModel(m => m.Train(x6, [0, 2], 2, O(p))));
        yield return new("train label -1", AOORE, "labels", (p, c) => OnModel(m => m.Train(x6, [-1, 0], 2, O(p))));
        yield return new("train x is the model's weights", AE, "x", (p, c) => OnModel(m => m.Train(m.Weights, y2, 2, O(p))));
        yield return new("train learning rate NaN", AOORE, "LearningRate", (p, c) => OnModel(m => m.Train(x6, y2, 2, O(p) with { LearningRate = float.NaN })));
        yield return new("train learning rate negative", AOORE, "LearningRate", (p, c) => OnModel(m => m.Train(x6, y2, 2, O(p) with { LearningRate = -1f })));
        yield return new("train regularization infinite", AOORE, "Regularization", (p, c) => OnModel(m => m.Train(x6, y2, 2, O(p) with { Regularization = float.PositiveInfinity })));
        yield return new("train iterations negative", AOORE, "Iterations", (p, c) => OnModel(m => m.Train(x6, y2, 2, O(p) with { Iterations = -1 })));
        yield return new("train epochs NaN", AOORE, "Epochs", (p, c) => OnModel(m => m.Train(x6, y2, 2, O(p) with { Epochs = double.NaN })));
        yield return new("train batch size zero", AOORE, "BatchSize", (p, c) => OnModel(m => m.Train(x6, y2, 2, O(p) with { BatchSize = 0 })));
        yield return new("train decay zero", AOORE, "LearningRateDecay", (p, c) => OnModel(m => m.Train(x6, y2, 2, O(p) with { LearningRateDecay = 0f })));
        yield return new("train decay above one", AOORE, "LearningRateDecay", (p, c) => OnModel(m => m.Train(x6, y2, 2, O(p) with { LearningRateDecay = 1.5f })));
        yield return new("train threads zero", AOORE, "Threads", (p, c) => OnModel(m => m.Train(x6, y2, 2, O(p) with { Threads = 0 })));
        yield return new("train undefined path", AOORE, "Path", (p, c) => OnModel(m => m.Train(x6, y2, 2, O(p) with { Path = UndefinedPath })));
        yield return new("train iterations without samples", AOORE, "rows", (p, c) => OnModel(m => m.Train([], [], 0, O(p))));
    }
}
