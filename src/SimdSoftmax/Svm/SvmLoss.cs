namespace SimdSoftmax;

/// <summary>
/// The multiclass SVM linear classifier's loss and gradient (CS231n's <c>svm_loss</c>): scores <c>S = X·W (+ b)</c>,
/// <c>loss = mean_i Σ_{j≠y_i} max(0, S_ij − S_i,y_i + 1) + ½·reg·ΣW²</c>, <c>dW = Xᵀ·dS + reg·W</c>, <c>db = Σ_i dS_i</c>,
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
    /// Classes up to which <see cref="SvmLossForm.Auto"/> picks <see cref="SvmLossForm.Fused"/>: the same microkernels
    /// and the same crossover as <see cref="SoftmaxLoss.FusedMaxClasses"/> (the hinge costs less than the exp, which only
    /// moves the crossover further in the fused form's favour).
    /// </summary>
    public const int FusedMaxClasses = Tuning.ClassifierFusedMaxClasses;

    /// <summary>Workspace floats for these sizes on any path, in any form and with any thread count.</summary>
    /// <param name="n">Number of samples (rows of X).</param>
    /// <param name="d">Number of features (columns of X, rows of W).</param>
    /// <param name="c">Number of classes (columns of W).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or the workspace would not fit in a span.</exception>
    public static int WorkspaceLength(int n, int d, int c) => WorkspaceLength(n, d, c, SvmLossForm.Auto);

    /// <summary>Workspace floats one form needs on any path and with any thread count (<see cref="SvmLossForm.Auto"/>: the maximum over the forms).</summary>
    /// <param name="n">Number of samples (rows of X).</param>
    /// <param name="d">Number of features (columns of X, rows of W).</param>
    /// <param name="c">Number of classes (columns of W).</param>
    /// <param name="form">The form the workspace is for.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, <paramref name="form"/> is undefined, or the workspace would not fit in a span.</exception>
    public static int WorkspaceLength(int n, int d, int c, SvmLossForm form)
    {
        Require.NonNegative(n);
        Require.NonNegative(d);
        Require.NonNegative(c);
        RequireForm(form);
        long composed = (long)n * c;
        long fused = SoftmaxLossFused.WorkspaceLength(n, d, c);
        long scalar = n == 0 ? 0 : c;
        long need = Math.Max(scalar, form switch
        {
            SvmLossForm.Composed => composed,
            SvmLossForm.Fused => fused,
            _ => Math.Max(composed, fused),
        });
        if (need > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(n), need, $"The workspace for N={n}, D={d}, C={c} would need {need} floats, more than a span can hold.");
        return (int)need;
    }

    /// <summary>The form <see cref="SvmLossForm.Auto"/> resolves to for C classes.</summary>
    /// <param name="form">The requested form; an explicit one is returned unchanged.</param>
    /// <param name="c">The number of classes.</param>
    public static SvmLossForm ChooseForm(SvmLossForm form, int c) =>
        form != SvmLossForm.Auto ? form : c <= FusedMaxClasses ? SvmLossForm.Fused : SvmLossForm.Composed;

    /// <summary>Loss and gradient of the SVM classifier without bias. dW is overwritten.</summary>
    /// <param name="w">Weights W, D×C row-major.</param>
    /// <param name="x">Samples X, N×D row-major.</param>
    /// <param name="y">Labels, N values in [0, C).</param>
    /// <param name="n">N, the number of samples.</param>
    /// <param name="d">D, the number of features.</param>
    /// <param name="c">C, the number of classes (at least 1 when N &gt; 0).</param>
    /// <param name="reg">Regularization strength, finite and ≥ 0: adds ½·reg·ΣW² to the loss and reg·W to dW.</param>
    /// <param name="dW">Output D×C gradient; must not overlap any input.</param>
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength(int, int, int, SvmLossForm)"/> floats; must not overlap anything else.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="form">On the SIMD paths, composed or fused; <see cref="SvmLossForm.Auto"/> chooses by shape. The scalar reference ignores it.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only, k = at most k; bit-identical results for every value. Only threads = 1 (or a small problem under 0) is allocation-free.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, reg is NaN, infinite or negative, a label is outside [0, C), <paramref name="form"/> is undefined or <paramref name="threads"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit its dimensions, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> workspace, KernelPath path = KernelPath.Auto,
        SvmLossForm form = SvmLossForm.Auto, int threads = 0)
        => Run(w, ReadOnlySpan<float>.Empty, x, y, n, d, c, reg, dW, Span<float>.Empty, workspace, path, hasBias: false, form, threads);

    /// <summary>Loss and gradient of the SVM classifier with bias <c>S = X·W + b</c>. dW and db are overwritten.</summary>
    /// <param name="w">Weights W, D×C row-major.</param>
    /// <param name="b">Bias, C values (not regularized).</param>
    /// <param name="x">Samples X, N×D row-major.</param>
    /// <param name="y">Labels, N values in [0, C).</param>
    /// <param name="n">N, the number of samples.</param>
    /// <param name="d">D, the number of features.</param>
    /// <param name="c">C, the number of classes (at least 1 when N &gt; 0).</param>
    /// <param name="reg">Regularization strength, finite and ≥ 0: adds ½·reg·ΣW² to the loss and reg·W to dW.</param>
    /// <param name="dW">Output D×C gradient; must not overlap any input.</param>
    /// <param name="db">Output C gradient of the bias; must not overlap any input.</param>
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength(int, int, int, SvmLossForm)"/> floats; must not overlap anything else.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="form">On the SIMD paths, composed or fused; <see cref="SvmLossForm.Auto"/> chooses by shape. The scalar reference ignores it.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only, k = at most k; bit-identical results for every value. Only threads = 1 (or a small problem under 0) is allocation-free.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, reg is NaN, infinite or negative, a label is outside [0, C), <paramref name="form"/> is undefined or <paramref name="threads"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit its dimensions, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, KernelPath path = KernelPath.Auto,
        SvmLossForm form = SvmLossForm.Auto, int threads = 0)
        => Run(w, b, x, y, n, d, c, reg, dW, db, workspace, path, hasBias: true, form, threads);

    private static void RequireForm(SvmLossForm form)
    {
        if (form is not (SvmLossForm.Auto or SvmLossForm.Composed or SvmLossForm.Fused))
            throw new ArgumentOutOfRangeException(nameof(form), form, "Not a defined SvmLossForm value.");
    }

    private static float Run(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, KernelPath path, bool hasBias,
        SvmLossForm form, int threads)
    {
        RequireForm(form);
        ClassifierArguments.Shape(n, d, c, threads);
        ClassifierArguments.Spans(w, b, x, y, n, d, c, reg, dW, db, workspace, WorkspaceLength(n, d, c, form), hasBias);
        bool fused = ChooseForm(form, c) == SvmLossForm.Fused;
        return KernelPaths.Resolve(path) switch
        {
            KernelPath.Avx512 => Simd<Avx512Isa>(w, b, x, y, n, d, c, reg, dW, db, workspace, hasBias, fused, threads),
            KernelPath.Avx2 => Simd<Avx2Isa>(w, b, x, y, n, d, c, reg, dW, db, workspace, hasBias, fused, threads),
            _ => SvmScalar.Classifier(w, b, x, y, n, d, c, reg, dW, db, workspace, hasBias),
        };
    }

    private static float Simd<TIsa>(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, bool hasBias, bool fused, int threads)
        where TIsa : struct, ISvmIsa, IFusedClassifierKernels =>
        fused
            ? SoftmaxLossFused.Run<TIsa, HingeRowLoss<TIsa>>(w, b, x, y, n, d, c, reg, dW, db, workspace, hasBias, threads)
            : SvmLossComposed.Run<TIsa>(w, b, x, y, n, d, c, reg, dW, db, workspace, hasBias, threads);
}
