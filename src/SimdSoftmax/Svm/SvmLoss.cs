namespace SimdSoftmax;

/// <summary>
/// The multiclass SVM linear classifier's loss and gradient (CS231n's <c>svm_loss</c>): scores <c>S = X·W (+ bias)</c>,
/// <c>loss = mean_i Σ_{j≠y_i} max(0, S_ij − S_i,y_i + 1) + ½·reg·ΣW²</c> (y_i = labels[i], reg = <see cref="ClassifierOptions.Regularization"/>),
/// <c>dW = Xᵀ·dS + reg·W</c>, <c>dBias = Σ_i dS_i</c>,
/// with <c>dS</c> the hinge's gradient on the scores (<see cref="MulticlassSvm"/>).
/// </summary>
/// <remarks>
/// The regularization convention is the softmax family's: ½·reg·ΣW² with gradient reg·W (the course's
/// <c>linear_svm.py</c> writes reg·ΣW² with 2·reg·W: the same with reg doubled). The bias is not regularized.
/// Validation, workspace rules, the <c>threads</c> contract and special values follow <see cref="SoftmaxLoss"/>.
/// </remarks>
public static class SvmLoss
{
    /// <summary>
    /// Classes up to which <see cref="ClassifierForm.Auto"/> picks <see cref="ClassifierForm.Fused"/>: the same microkernels
    /// and the same crossover as <see cref="SoftmaxLoss.FusedMaxClasses"/> (the hinge costs less than the exp, which only
    /// moves the crossover further in the fused form's favour).
    /// </summary>
    public const int FusedMaxClasses = Tuning.ClassifierFusedMaxClasses;

    /// <summary>Workspace floats <see cref="LossAndGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, Span{float}, int, int, int, ClassifierOptions, KernelPath, int)"/> needs in <paramref name="form"/>, on any path and with any thread count.</summary>
    /// <param name="rows">N, the number of samples (rows of X).</param>
    /// <param name="features">D, the number of features (columns of X, rows of W).</param>
    /// <param name="classes">C, the number of classes (columns of W).</param>
    /// <param name="form">The form the workspace is for; <see cref="ClassifierForm.Auto"/> (the default) means the form Auto runs for these classes (<see cref="ChooseForm"/>), not the largest over the forms.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, <paramref name="form"/> is undefined, or the workspace would not fit in a span.</exception>
    public static int WorkspaceLength(int rows, int features, int classes, ClassifierForm form = ClassifierForm.Auto)
    {
        Require.NonNegative(rows);
        Require.NonNegative(features);
        Require.NonNegative(classes);
        SoftmaxLoss.RequireForm(form);
        long need = ChooseForm(form, classes) == ClassifierForm.Fused
            ? SoftmaxLossFused.WorkspaceLength(rows, features, classes)
            : (long)rows * classes;
        need = Math.Max(need, rows == 0 ? 0 : classes);
        if (need > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(rows), need, $"The workspace for N={rows}, D={features}, C={classes} would need {need} floats, more than a span can hold.");
        return (int)need;
    }

    /// <summary>The form <see cref="ClassifierForm.Auto"/> resolves to for this many classes.</summary>
    /// <param name="form">The requested form; an explicit one is returned unchanged.</param>
    /// <param name="classes">The number of classes.</param>
    public static ClassifierForm ChooseForm(ClassifierForm form, int classes) =>
        form != ClassifierForm.Auto ? form : classes <= FusedMaxClasses ? ClassifierForm.Fused : ClassifierForm.Composed;

    /// <summary>Loss and gradient of the SVM classifier without bias, <c>S = X·W</c>. dW is overwritten.</summary>
    /// <param name="x">Samples X, rows×features row-major.</param>
    /// <param name="w">Weights W, features×classes row-major.</param>
    /// <param name="labels">The true class of each row, rows values in [0, classes).</param>
    /// <param name="dW">Output features×classes gradient; must not overlap any input.</param>
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength"/>(rows, features, classes, options.Form) floats; must not overlap anything else.</param>
    /// <param name="rows">N, the number of samples.</param>
    /// <param name="features">D, the number of features.</param>
    /// <param name="classes">C, the number of classes (at least 1 when there are rows).</param>
    /// <param name="options">Regularization (½·reg·ΣW² in the loss, reg·W in dW) and the form (composed or fused on the SIMD paths; Auto chooses by shape; the scalar reference ignores it).</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only, k = at most k; bit-identical results for every value. Only threads = 1 (or a small problem under 0) is allocation-free.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, an option is out of range, a label is outside [0, C), or <paramref name="threads"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit its dimensions, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<int> labels,
        Span<float> dW, Span<float> workspace, int rows, int features, int classes,
        ClassifierOptions options = default, KernelPath path = KernelPath.Auto, int threads = 0)
        => Run(x, w, ReadOnlySpan<float>.Empty, labels, dW, Span<float>.Empty, workspace, rows, features, classes, options, path, threads, hasBias: false);

    /// <summary>Loss and gradient of the SVM classifier with bias, <c>S = X·W + bias</c>. dW and dBias are overwritten.</summary>
    /// <param name="x">Samples X, rows×features row-major.</param>
    /// <param name="w">Weights W, features×classes row-major.</param>
    /// <param name="bias">Bias, classes values (not regularized).</param>
    /// <param name="labels">The true class of each row, rows values in [0, classes).</param>
    /// <param name="dW">Output features×classes gradient; must not overlap any input.</param>
    /// <param name="dBias">Output gradient of the bias, classes values; must not overlap any input.</param>
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength"/>(rows, features, classes, options.Form) floats; must not overlap anything else.</param>
    /// <param name="rows">N, the number of samples.</param>
    /// <param name="features">D, the number of features.</param>
    /// <param name="classes">C, the number of classes (at least 1 when there are rows).</param>
    /// <param name="options">Regularization and form, as in the overload without bias.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only, k = at most k; bit-identical results for every value. Only threads = 1 (or a small problem under 0) is allocation-free.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, an option is out of range, a label is outside [0, C), or <paramref name="threads"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit its dimensions, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ReadOnlySpan<int> labels,
        Span<float> dW, Span<float> dBias, Span<float> workspace, int rows, int features, int classes,
        ClassifierOptions options = default, KernelPath path = KernelPath.Auto, int threads = 0)
        => Run(x, w, bias, labels, dW, dBias, workspace, rows, features, classes, options, path, threads, hasBias: true);

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
            KernelPath.Avx512 => Simd<Avx512Isa>(w, bias, x, labels, n, d, c, reg, dW, dBias, workspace, hasBias, fused, threads),
            KernelPath.Avx2 => Simd<Avx2Isa>(w, bias, x, labels, n, d, c, reg, dW, dBias, workspace, hasBias, fused, threads),
            _ => SvmScalar.Classifier(w, bias, x, labels, n, d, c, reg, dW, dBias, workspace, hasBias),
        };
    }

    private static float Simd<TIsa>(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, bool hasBias, bool fused, int threads)
        where TIsa : struct, ISvmIsa, IFusedClassifierKernels =>
        fused
            ? SoftmaxLossFused.Run<TIsa, HingeRowLoss<TIsa>>(w, b, x, y, n, d, c, reg, dW, db, workspace, hasBias, threads)
            : SvmLossComposed.Run<TIsa>(w, b, x, y, n, d, c, reg, dW, db, workspace, hasBias, threads);
}
