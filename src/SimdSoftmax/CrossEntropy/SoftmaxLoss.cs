namespace SimdSoftmax;

/// <summary>
/// The softmax linear classifier's loss and gradient (CS231n's <c>softmax_loss</c>):
/// scores <c>S = X·W (+ bias)</c>, <c>loss = mean_i CE(S_i, labels_i) + ½·reg·ΣW²</c> (reg = <see cref="ClassifierOptions.Regularization"/>),
/// <c>dW = Xᵀ·(P − onehot(labels)) / N + reg·W</c>, <c>dBias = Σ_i (P_i − onehot(labels_i)) / N</c>.
/// </summary>
/// <remarks>
/// The regularization convention is ½·reg·ΣW² with gradient reg·W; the other common convention
/// (reg·ΣW² with 2·reg·W) is the same with reg doubled. The bias is not regularized.
/// </remarks>
public static partial class SoftmaxLoss
{
    /// <summary>
    /// Classes up to which <see cref="ClassifierForm.Auto"/> picks <see cref="ClassifierForm.Fused"/>; above it,
    /// <see cref="ClassifierForm.Composed"/>. The fused pass reads X once and its tiles stay FMA-bound while W fits the
    /// registers' class tiles; the composed form's blocked GEMMs win once C is large. Measured single-thread on AMD Zen 4
    /// with AVX-512 (N×D = 4000×784 and 2000×3073): fused wins 1.3–2.1× at C = 32 and 40, the forms tie near C = 48,
    /// and composed wins from C = 64 (1.1–1.3×).
    /// </summary>
    public const int FusedMaxClasses = Tuning.ClassifierFusedMaxClasses;

    /// <summary>
    /// How many floats of workspace <see cref="LossAndGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, Span{float}, int, int, int, ClassifierOptions, KernelPath, int)"/>
    /// needs in <paramref name="form"/>, on any path and with any thread count.
    /// </summary>
    /// <param name="rows">N, the number of samples (rows of X).</param>
    /// <param name="features">D, the number of features (columns of X, rows of W).</param>
    /// <param name="classes">C, the number of classes (columns of W).</param>
    /// <param name="form">The form the workspace is for; <see cref="ClassifierForm.Auto"/> (the default) means the form Auto runs
    /// for these classes (<see cref="ChooseForm"/>), not the largest over the forms. <see cref="ClassifierForm.Composed"/> needs N·C
    /// floats for the scores; <see cref="ClassifierForm.Fused"/> needs its packed weights and per-lane partial gradients, which do not
    /// grow with N (the rows are split into a number of lanes that depends only on N, at most 4). The scalar reference needs C floats, which both cover.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, <paramref name="form"/> is undefined, or the workspace would not fit in a span.</exception>
    public static int WorkspaceLength(int rows, int features, int classes, ClassifierForm form = ClassifierForm.Auto)
    {
        Require.NonNegative(rows);
        Require.NonNegative(features);
        Require.NonNegative(classes);
        RequireForm(form);
        long need = ChooseForm(form, classes) == ClassifierForm.Fused
            ? SoftmaxLossFused.WorkspaceLength(rows, features, classes)
            : SoftmaxLossComposed.WorkspaceLength(rows, classes);
        need = Math.Max(need, rows == 0 ? 0 : classes);
        if (need > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(rows), need, $"The workspace for N={rows}, D={features}, C={classes} would need {need} floats, more than a span can hold.");
        return (int)need;
    }

    internal static void RequireForm(ClassifierForm form)
    {
        if (form is not (ClassifierForm.Auto or ClassifierForm.Composed or ClassifierForm.Fused))
            throw new ArgumentOutOfRangeException(nameof(form), form, "Not a defined ClassifierForm value.");
    }

    /// <summary>Loss and gradient of the classifier without bias, <c>S = X·W</c>. dW is overwritten.</summary>
    /// <param name="x">Samples X, rows×features row-major.</param>
    /// <param name="w">Weights W, features×classes row-major.</param>
    /// <param name="labels">The true class of each row, rows values in [0, classes).</param>
    /// <param name="dW">Output features×classes gradient; must not overlap any input.</param>
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength"/>(rows, features, classes, options.Form) floats; must not overlap anything else. Too short is an <see cref="ArgumentException"/>, never a silent allocation.</param>
    /// <param name="rows">N, the number of samples.</param>
    /// <param name="features">D, the number of features.</param>
    /// <param name="classes">C, the number of classes (at least 1 when there are rows).</param>
    /// <param name="options">Regularization (½·reg·ΣW² in the loss, reg·W in dW) and the form: on the SIMD paths <see cref="ClassifierForm.Composed"/> (GEMM → cross-entropy → GEMM) or <see cref="ClassifierForm.Fused"/> (one pass over X); <see cref="ClassifierForm.Auto"/> chooses by shape. The scalar reference ignores the form.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">Threads: 0 = automatic by size, 1 = the calling thread only, k = at most k. The fused form splits the rows into lanes (a count fixed by N, at most 4) with per-lane partials in the workspace; the composed form passes it to its GEMMs. The result is bit-identical for every value. Only threads = 1 (or a small problem under 0) is allocation-free.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, an option is out of range (regularization NaN, infinite or negative, an undefined form), a label is outside [0, C), or <paramref name="threads"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit its dimensions, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<int> labels,
        Span<float> dW, Span<float> workspace, int rows, int features, int classes,
        ClassifierOptions options = default, KernelPath path = KernelPath.Auto, int threads = 0)
        => Run(x, w, ReadOnlySpan<float>.Empty, labels, dW, Span<float>.Empty, workspace, rows, features, classes, options, path, threads, hasBias: false);

    /// <summary>Loss and gradient of the classifier with bias, <c>S = X·W + bias</c>. dW and dBias are overwritten.</summary>
    /// <param name="x">Samples X, rows×features row-major.</param>
    /// <param name="w">Weights W, features×classes row-major.</param>
    /// <param name="bias">Bias, classes values (not regularized).</param>
    /// <param name="labels">The true class of each row, rows values in [0, classes).</param>
    /// <param name="dW">Output features×classes gradient; must not overlap any input.</param>
    /// <param name="dBias">Output gradient of the bias, classes values; must not overlap any input.</param>
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength"/>(rows, features, classes, options.Form) floats; must not overlap anything else. Too short is an <see cref="ArgumentException"/>, never a silent allocation.</param>
    /// <param name="rows">N, the number of samples.</param>
    /// <param name="features">D, the number of features.</param>
    /// <param name="classes">C, the number of classes (at least 1 when there are rows).</param>
    /// <param name="options">Regularization and form, as in the overload without bias.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">Threads: 0 = automatic by size, 1 = the calling thread only, k = at most k; bit-identical results for every value. Only threads = 1 (or a small problem under 0) is allocation-free.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, an option is out of range, a label is outside [0, C), or <paramref name="threads"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit its dimensions, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ReadOnlySpan<int> labels,
        Span<float> dW, Span<float> dBias, Span<float> workspace, int rows, int features, int classes,
        ClassifierOptions options = default, KernelPath path = KernelPath.Auto, int threads = 0)
        => Run(x, w, bias, labels, dW, dBias, workspace, rows, features, classes, options, path, threads, hasBias: true);

    /// <summary>The form <see cref="ClassifierForm.Auto"/> resolves to for this many classes (see <see cref="FusedMaxClasses"/>).</summary>
    /// <param name="form">The requested form; an explicit one is returned unchanged.</param>
    /// <param name="classes">The number of classes.</param>
    public static ClassifierForm ChooseForm(ClassifierForm form, int classes) =>
        form != ClassifierForm.Auto ? form : classes <= FusedMaxClasses ? ClassifierForm.Fused : ClassifierForm.Composed;

    private static float Run(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ReadOnlySpan<int> labels,
        Span<float> dW, Span<float> dBias, Span<float> workspace, int rows, int features, int classes, in ClassifierOptions options,
        KernelPath path, int threads, bool hasBias)
    {
        ClassifierArguments.Shape(rows, features, classes, options, threads);
        ClassifierArguments.Spans(x, w, bias, labels, dW, dBias, workspace, rows, features, classes,
            WorkspaceLength(rows, features, classes, options.Form), hasBias);
        int n = rows, d = features, c = classes;
        float reg = options.Regularization;
        bool fused = ChooseForm(options.Form, c) == ClassifierForm.Fused;
        return KernelPaths.Resolve(path) switch
        {
            KernelPath.Scalar => SoftmaxLossScalar.Run(w, bias, x, labels, n, d, c, reg, dW, dBias, workspace, hasBias),
            var p when !fused => SoftmaxLossComposed.Run(p, w, bias, x, labels, n, d, c, reg, dW, dBias, workspace, hasBias, threads),
            KernelPath.Avx512 => SoftmaxLossFused.Run<Avx512Isa, CrossEntropyRowLoss<Avx512Isa>>(w, bias, x, labels, n, d, c, reg, dW, dBias, workspace, hasBias, threads),
            _ => SoftmaxLossFused.Run<Avx2Isa, CrossEntropyRowLoss<Avx2Isa>>(w, bias, x, labels, n, d, c, reg, dW, dBias, workspace, hasBias, threads),
        };
    }
}
