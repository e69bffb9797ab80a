using SimdSoftmax.GuardPages;

namespace SimdSoftmax.Tests;

/// <summary>
/// Table-driven bad-input sweep: every public entry, each invalid argument, on every path. Asserts the exception type,
/// the parameter it names, and that every output buffer is untouched.
/// </summary>
public partial class ValidationTests
{
    public sealed record Case(string Name, Type Exception, string? Param, Action<KernelPath, float[]> Call)
    {
        public override string ToString() => Name;
    }

    /// <summary>Each case receives a canary-filled output buffer it passes as the (or an) output.</summary>
    public static IEnumerable<Case> Cases()
    {
        var AOORE = typeof(ArgumentOutOfRangeException);
        var AE = typeof(ArgumentException);
        float[] a6 = new float[6], b6 = new float[6];

        // Gemm, full form: m=2, n=3, k=2 nominal.
        yield return new("gemm negative m", AOORE, "m", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, b6, 3, Transpose.No, c, 3, -1, 3, 2, 1, 0, p));
        yield return new("gemm negative n", AOORE, "n", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, b6, 3, Transpose.No, c, 3, 2, -3, 2, 1, 0, p));
        yield return new("gemm negative k", AOORE, "k", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, b6, 3, Transpose.No, c, 3, 2, 3, -2, 1, 0, p));
        yield return new("gemm lda < k", AOORE, "lda", (p, c) => Gemm.Multiply(a6, 1, Transpose.No, b6, 3, Transpose.No, c, 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm lda < m transposed", AOORE, "lda", (p, c) => Gemm.Multiply(a6, 2, Transpose.Yes, b6, 3, Transpose.No, c, 3, 3, 3, 2, 1, 0, p));
        yield return new("gemm ldb < n", AOORE, "ldb", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, b6, 2, Transpose.No, c, 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm ldb < k transposed", AOORE, "ldb", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, b6, 1, Transpose.Yes, c, 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm ldc < n", AOORE, "ldc", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, b6, 3, Transpose.No, c, 2, 2, 3, 2, 1, 0, p));
        yield return new("gemm ldc zero with n zero", AOORE, "ldc", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, b6, 1, Transpose.No, c, 0, 2, 0, 2, 1, 0, p));
        yield return new("gemm a too short", AE, "a", (p, c) => Gemm.Multiply(a6.AsSpan(0, 3), 2, Transpose.No, b6, 3, Transpose.No, c, 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm b too short", AE, "b", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, b6.AsSpan(0, 5), 3, Transpose.No, c, 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm c too short", AE, "c", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, b6, 3, Transpose.No, c.AsSpan(0, 5), 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm strided c too short", AE, "c", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, b6, 3, Transpose.No, c.AsSpan(0, 6), 4, 2, 3, 2, 1, 0, p));
        yield return new("gemm huge stride overflows", AOORE, "lda", (p, c) => Gemm.Multiply(a6, int.MaxValue, Transpose.No, b6, 3, Transpose.No, c, 3, 3, 3, 2, 1, 0, p));
        yield return new("gemm undefined transA", AOORE, "transA", (p, c) => Gemm.Multiply(a6, 2, (Transpose)7, b6, 3, Transpose.No, c, 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm undefined transB", AOORE, "transB", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, b6, 3, (Transpose)(-1), c, 3, 2, 3, 2, 1, 0, p));
        yield return new("gemm c overlaps a", AE, "c", (p, c) => Gemm.Multiply(c.AsSpan(0, 4), 2, Transpose.No, b6, 3, Transpose.No, c.AsSpan(2, 4), 2, 2, 2, 2, 1, 0, p));
        yield return new("gemm c overlaps b", AE, "c", (p, c) => Gemm.Multiply(a6, 2, Transpose.No, c.AsSpan(3, 4), 2, Transpose.No, c.AsSpan(0, 4), 2, 2, 2, 2, 1, 0, p));
        // Gemm, dense form.
        yield return new("gemm dense m·k overflows", AOORE, "k", (p, c) => Gemm.Multiply(a6, b6, c, 1 << 16, 3, 1 << 16, p));
        yield return new("gemm dense a wrong length", AE, "a", (p, c) => Gemm.Multiply(a6.AsSpan(0, 5), b6, c.AsSpan(0, 6), 2, 3, 2, p));
        yield return new("gemm dense b wrong length", AE, "b", (p, c) => Gemm.Multiply(a6.AsSpan(0, 4), b6.AsSpan(0, 5), c.AsSpan(0, 6), 2, 3, 2, p));
        yield return new("gemm dense c wrong length", AE, "c", (p, c) => Gemm.Multiply(a6.AsSpan(0, 4), b6, c, 2, 3, 2, p));
        yield return new("gemm dense negative n", AOORE, "n", (p, c) => Gemm.Multiply(a6, b6, c, 2, -3, 2, p));
        yield return new("gemm dense c overlaps b", AE, "c", (p, c) => Gemm.Multiply(a6.AsSpan(0, 4), c.AsSpan(0, 6), c.AsSpan(2, 6), 2, 3, 2, p));

        // Softmax (both entries): x holds 2 rows of 3.
        foreach (bool log in new[] { false, true })
        {
            string f = log ? "log-softmax" : "softmax";
            void S(ReadOnlySpan<float> x, Span<float> y, int cols, KernelPath p) { if (log) Softmax.LogRows(x, y, cols, p); else Softmax.Rows(x, y, cols, p); }
            yield return new($"{f} cols zero", AOORE, "cols", (p, c) => S(a6, c.AsSpan(0, 6), 0, p));
            yield return new($"{f} cols negative", AOORE, "cols", (p, c) => S(a6, c.AsSpan(0, 6), -3, p));
            yield return new($"{f} x not whole rows", AE, "x", (p, c) => S(a6.AsSpan(0, 5), c.AsSpan(0, 5), 3, p));
            yield return new($"{f} y wrong length", AE, "y", (p, c) => S(a6, c.AsSpan(0, 3), 3, p));
            yield return new($"{f} y partly overlaps x", AE, "y", (p, c) => S(c.AsSpan(0, 6), c.AsSpan(1, 6), 3, p));
            yield return new($"{f} y same start shorter", AE, "y", (p, c) => S(c.AsSpan(0, 6), c.AsSpan(0, 3), 3, p));
        }

        // Cross-entropy on logits: 2 rows of 3.
        int[] y2 = [0, 2];
        yield return new("ce labels -1", AOORE, "labels", (p, c) => SoftmaxCrossEntropy.LossAndGradient(a6, [0, -1], c.AsSpan(0, 6), 3, p));
        yield return new("ce labels == C", AOORE, "labels", (p, c) => SoftmaxCrossEntropy.LossAndGradient(a6, [3, 0], c.AsSpan(0, 6), 3, p));
        yield return new("ce loss labels == C", AOORE, "labels", (p, c) => SoftmaxCrossEntropy.Loss(a6, [3, 0], 3, p));
        yield return new("ce classes negative", AOORE, "cols", (p, c) => SoftmaxCrossEntropy.LossAndGradient(a6, y2, c.AsSpan(0, 6), -3, p));
        yield return new("ce classes zero with rows", AOORE, "cols", (p, c) => SoftmaxCrossEntropy.LossAndGradient([], y2, [], 0, p));
        yield return new("ce logits wrong length", AE, "logits", (p, c) => SoftmaxCrossEntropy.LossAndGradient(a6.AsSpan(0, 5), y2, c.AsSpan(0, 5), 3, p));
        yield return new("ce dLogits wrong length", AE, "dLogits", (p, c) => SoftmaxCrossEntropy.LossAndGradient(a6, y2, c.AsSpan(0, 5), 3, p));
        yield return new("ce dLogits partly overlaps", AE, "dLogits", (p, c) => SoftmaxCrossEntropy.LossAndGradient(c.AsSpan(0, 6), y2, c.AsSpan(3, 6), 3, p));
        yield return new("ce logits not whole rows of a huge cols", AE, "logits", (p, c) => SoftmaxCrossEntropy.LossAndGradient(a6, new int[1 << 16], c, 1 << 16, p));

        // Classifier: N=2, D=3, C=2 → w 6, x 6, dW 6, b 2, db 2, workspace ≥ WorkspaceLength(2,3,2).
        float[] w = new float[6], x = new float[6], bb = new float[2], ws = new float[SoftmaxLoss.WorkspaceLength(2, 3, 2)];
        int[] y = [0, 1];
        yield return new("loss negative n", AOORE, "rows", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), ws, -2, 3, 2, path: p));
        yield return new("loss negative d", AOORE, "features", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), ws, 2, -3, 2, path: p));
        yield return new("loss negative c", AOORE, "classes", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), ws, 2, 3, -2, path: p));
        yield return new("loss c zero with samples", AOORE, "classes", (p, c) => SoftmaxLoss.LossAndGradient(x, [], y, [], ws, 2, 3, 0, path: p));
        yield return new("loss n·d overflows", AOORE, "features", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), ws, 1 << 16, 1 << 16, 1, path: p));
        yield return new("loss w wrong length", AE, "w", (p, c) => SoftmaxLoss.LossAndGradient(x, w.AsSpan(0, 5), y, c.AsSpan(0, 6), ws, 2, 3, 2, path: p));
        yield return new("loss x wrong length", AE, "x", (p, c) => SoftmaxLoss.LossAndGradient(x.AsSpan(0, 5), w, y, c.AsSpan(0, 6), ws, 2, 3, 2, path: p));
        yield return new("loss labels wrong length", AE, "labels", (p, c) => SoftmaxLoss.LossAndGradient(x, w, [0], c.AsSpan(0, 6), ws, 2, 3, 2, path: p));
        yield return new("loss dW wrong length", AE, "dW", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 5), ws, 2, 3, 2, path: p));
        yield return new("loss workspace too short", AE, "workspace", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), ws.AsSpan(0, ws.Length - 1), 2, 3, 2, path: p));
        yield return new("loss label -1", AOORE, "labels", (p, c) => SoftmaxLoss.LossAndGradient(x, w, [0, -1], c.AsSpan(0, 6), ws, 2, 3, 2, path: p));
        yield return new("loss label == C", AOORE, "labels", (p, c) => SoftmaxLoss.LossAndGradient(x, w, [2, 0], c.AsSpan(0, 6), ws, 2, 3, 2, path: p));
        yield return new("loss regularization NaN", AOORE, "options", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), ws, 2, 3, 2, new ClassifierOptions { Regularization = float.NaN }, p));
        yield return new("loss regularization infinite", AOORE, "options", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), ws, 2, 3, 2, new ClassifierOptions { Regularization = float.PositiveInfinity }, p));
        yield return new("loss regularization negative", AOORE, "options", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), ws, 2, 3, 2, new ClassifierOptions { Regularization = -1f }, p));
        yield return new("loss dW overlaps w", AE, "dW", (p, c) => SoftmaxLoss.LossAndGradient(x, c.AsSpan(0, 6), y, c.AsSpan(3, 6), ws, 2, 3, 2, path: p));
        yield return new("loss dW overlaps x", AE, "dW", (p, c) => SoftmaxLoss.LossAndGradient(c.AsSpan(0, 6), w, y, c.AsSpan(0, 6), ws, 2, 3, 2, path: p));
        yield return new("loss workspace overlaps dW", AE, "workspace", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), c.AsSpan(2), 2, 3, 2, path: p));
        yield return new("loss workspace overlaps x", AE, "workspace", (p, c) => SoftmaxLoss.LossAndGradient(c.AsSpan(0, 6), w, y, new float[6], c.AsSpan(0), 2, 3, 2, path: p));
        yield return new("loss+bias bias wrong length", AE, "bias", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb.AsSpan(0, 1), y, c.AsSpan(0, 6), c.AsSpan(6, 2), ws, 2, 3, 2, path: p));
        yield return new("loss+bias dBias wrong length", AE, "dBias", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, c.AsSpan(0, 6), c.AsSpan(6, 3), ws, 2, 3, 2, path: p));
        yield return new("loss+bias dBias overlaps dW", AE, "dBias", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, c.AsSpan(0, 6), c.AsSpan(5, 2), ws, 2, 3, 2, path: p));
        yield return new("loss+bias dBias overlaps bias", AE, "dBias", (p, c) => SoftmaxLoss.LossAndGradient(x, w, c.AsSpan(6, 2), y, c.AsSpan(0, 6), c.AsSpan(7, 2), ws, 2, 3, 2, path: p));
        yield return new("loss+bias label == C", AOORE, "labels", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, [0, 2], c.AsSpan(0, 6), c.AsSpan(6, 2), ws, 2, 3, 2, path: p));
        yield return new("workspace length negative n", AOORE, "rows", (p, c) => SoftmaxLoss.WorkspaceLength(-1, 3, 2));
        // Classifier form and threads.
        var fused = ClassifierForm.Fused;
        var composed = ClassifierForm.Composed;
        float[] wsFused = new float[SoftmaxLoss.WorkspaceLength(2, 3, 2, fused)], wsComposed = new float[SoftmaxLoss.WorkspaceLength(2, 3, 2, composed)];
        yield return new("loss form undefined", AOORE, "options", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), ws, 2, 3, 2, new ClassifierOptions { Form = (ClassifierForm)9 }, p));
        yield return new("loss+bias form undefined", AOORE, "options", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, c.AsSpan(0, 6), c.AsSpan(6, 2), ws, 2, 3, 2, new ClassifierOptions { Form = (ClassifierForm)(-1) }, p));
        yield return new("loss threads negative", AOORE, "threads", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), ws, 2, 3, 2, new ClassifierOptions { Form = fused }, p, -1));
        yield return new("loss+bias threads negative", AOORE, "threads", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, y, c.AsSpan(0, 6), c.AsSpan(6, 2), ws, 2, 3, 2, new ClassifierOptions { Form = composed }, p, -2));
        yield return new("loss fused workspace too short", AE, "workspace", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), wsFused.AsSpan(0, wsFused.Length - 1), 2, 3, 2, new ClassifierOptions { Form = fused }, p));
        yield return new("loss composed workspace too short", AE, "workspace", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), wsComposed.AsSpan(0, wsComposed.Length - 1), 2, 3, 2, new ClassifierOptions { Form = composed }, p));
        yield return new("loss auto form needs the larger workspace", AE, "workspace", (p, c) => SoftmaxLoss.LossAndGradient(x, w, y, c.AsSpan(0, 6), wsComposed, 2, 3, 2, path: p));
        yield return new("loss fused label == C", AOORE, "labels", (p, c) => SoftmaxLoss.LossAndGradient(x, w, [2, 0], c.AsSpan(0, 6), ws, 2, 3, 2, new ClassifierOptions { Form = fused }, p, 2));
        yield return new("loss composed label -1", AOORE, "labels", (p, c) => SoftmaxLoss.LossAndGradient(x, w, bb, [0, -1], c.AsSpan(0, 6), c.AsSpan(6, 2), ws, 2, 3, 2, new ClassifierOptions { Form = composed }, p));
        yield return new("workspace length undefined form", AOORE, "form", (p, c) => SoftmaxLoss.WorkspaceLength(2, 3, 2, (ClassifierForm)3));
        yield return new("workspace length overflows", AOORE, "rows", (p, c) => SoftmaxLoss.WorkspaceLength(1 << 20, 3, 1 << 12, composed));

        // More cases per entry (issue 8): ValidationTests.Hardening.cs.
        foreach (Case c in HardeningCases()) yield return c;
    }

    public static TheoryData<string, KernelPath> CaseNames()
    {
        var d = new TheoryData<string, KernelPath>();
        foreach (Case c in Cases())
            foreach (KernelPath p in new[] { KernelPath.Auto, KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 })
                d.Add(c.Name, p);
        return d;
    }

    [SkippableTheory, MemberData(nameof(CaseNames))]
    public void Invalid_argument_is_rejected_naming_the_parameter_with_outputs_untouched(string name, KernelPath path)
    {
        Paths.Require(path);
        Case c = Cases().Single(k => k.Name == name);
        float[] output = Data.Filled(64, Canary.Value);
        Exception e = Assert.Throws(c.Exception, () => c.Call(path, output));
        // "a|b": either name is right (e.g. an overflowing workspace size may be blamed on n or on c).
        Assert.Contains(((ArgumentException)e).ParamName ?? "(null)", (c.Param ?? "(null)").Split('|'));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        Assert.True(Canary.Intact(output), "an output was written before the argument was rejected");
    }

    [Fact]
    public void Every_case_name_is_unique()
    {
        var names = Cases().Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }
}
