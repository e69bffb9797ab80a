namespace SimdSoftmax;

/// <summary>
/// The softmax linear classifier's loss and gradient (CS231n's <c>softmax_loss</c>):
/// scores <c>S = X·W (+ b)</c>, <c>loss = mean_i CE(S_i, y_i) + ½·reg·ΣW²</c>,
/// <c>dW = Xᵀ·(P − onehot(y)) / N + reg·W</c>, <c>db = Σ_i (P_i − onehot(y_i)) / N</c>.
/// </summary>
/// <remarks>
/// The regularization convention is ½·reg·ΣW² with gradient reg·W; the other common convention
/// (reg·ΣW² with 2·reg·W) is the same with reg doubled. The bias is not regularized.
/// </remarks>
public static partial class SoftmaxLoss
{
    /// <summary>
    /// Classes up to which <see cref="SoftmaxLossForm.Auto"/> picks <see cref="SoftmaxLossForm.Fused"/>; above it,
    /// <see cref="SoftmaxLossForm.Composed"/>. The fused pass reads X once and its tiles stay FMA-bound while W fits the
    /// registers' class tiles; the composed form's blocked GEMMs win once C is large. Measured single-thread on AMD Zen 4
    /// with AVX-512 (N×D = 4000×784 and 2000×3073): fused wins 1.3–2.1× at C = 32 and 40, the forms tie near C = 48,
    /// and composed wins from C = 64 (1.1–1.3×).
    /// </summary>
    public const int FusedMaxClasses = Tuning.ClassifierFusedMaxClasses;

    /// <summary>How many floats of workspace <see cref="LossAndGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, int, float, Span{float}, Span{float}, KernelPath, SoftmaxLossForm, int)"/> needs for these sizes on any path, in any form and with any thread count.</summary>
    /// <param name="n">Number of samples (rows of X).</param>
    /// <param name="d">Number of features (columns of X, rows of W).</param>
    /// <param name="c">Number of classes (columns of W).</param>
    /// <remarks>The maximum of <see cref="WorkspaceLength(int, int, int, SoftmaxLossForm)"/> over the forms: N·C for the
    /// composed form's scores, and the fused form's packed weights and per-lane partial gradients (which do not depend on
    /// the thread count: the rows are split into a number of lanes that depends only on N, at most 4).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or the workspace would not fit in a span.</exception>
    public static int WorkspaceLength(int n, int d, int c) => WorkspaceLength(n, d, c, SoftmaxLossForm.Auto);

    /// <summary>
    /// How many floats of workspace one form needs, on any path and with any thread count. <see cref="SoftmaxLossForm.Auto"/>
    /// means "whichever form is chosen": the maximum over the forms. The scalar reference needs C floats, which both cover.
    /// </summary>
    /// <param name="n">Number of samples (rows of X).</param>
    /// <param name="d">Number of features (columns of X, rows of W).</param>
    /// <param name="c">Number of classes (columns of W).</param>
    /// <param name="form">The form the workspace is for. <see cref="SoftmaxLossForm.Fused"/> needs no N×C scores: its workspace stops growing with N.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, <paramref name="form"/> is undefined, or the workspace would not fit in a span.</exception>
    public static int WorkspaceLength(int n, int d, int c, SoftmaxLossForm form)
    {
        Require.NonNegative(n);
        Require.NonNegative(d);
        Require.NonNegative(c);
        RequireForm(form);
        long composed = SoftmaxLossComposed.WorkspaceLength(n, c);
        long fused = SoftmaxLossFused.WorkspaceLength(n, d, c);
        long scalar = n == 0 ? 0 : c;
        long need = Math.Max(scalar, form switch
        {
            SoftmaxLossForm.Composed => composed,
            SoftmaxLossForm.Fused => fused,
            _ => Math.Max(composed, fused),
        });
        if (need > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(n), need, $"The workspace for N={n}, D={d}, C={c} would need {need} floats, more than a span can hold.");
        return (int)need;
    }

    private static void RequireForm(SoftmaxLossForm form)
    {
        if (form is not (SoftmaxLossForm.Auto or SoftmaxLossForm.Composed or SoftmaxLossForm.Fused))
            throw new ArgumentOutOfRangeException(nameof(form), form, "Not a defined SoftmaxLossForm value.");
    }

    /// <summary>Loss and gradient of the classifier without bias. dW is overwritten.</summary>
    /// <param name="w">Weights W, D×C row-major.</param>
    /// <param name="x">Samples X, N×D row-major.</param>
    /// <param name="y">Labels, N values in [0, C).</param>
    /// <param name="n">N, the number of samples.</param>
    /// <param name="d">D, the number of features.</param>
    /// <param name="c">C, the number of classes (at least 1 when N &gt; 0).</param>
    /// <param name="reg">Regularization strength, finite and ≥ 0: adds ½·reg·ΣW² to the loss and reg·W to dW.</param>
    /// <param name="dW">Output D×C gradient; must not overlap any input.</param>
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength(int, int, int, SoftmaxLossForm)"/> floats for the requested form (<see cref="WorkspaceLength(int, int, int)"/> covers all); must not overlap anything else. Too short is an <see cref="ArgumentException"/>, never a silent allocation.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="form">On the SIMD paths, <see cref="SoftmaxLossForm.Composed"/> (GEMM → cross-entropy → GEMM) or <see cref="SoftmaxLossForm.Fused"/> (one pass over X); <see cref="SoftmaxLossForm.Auto"/> chooses by shape. The scalar reference ignores it.</param>
    /// <param name="threads">Threads: 0 = automatic by size, 1 = the calling thread only, k = at most k. The fused form splits the rows into lanes (a count fixed by N, at most 4) with per-lane partials in the workspace; the composed form passes it to its GEMMs. The result is bit-identical for every value. Only threads = 1 (or a small problem under 0) is allocation-free.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, reg is NaN, infinite or negative, a label is outside [0, C), <paramref name="form"/> is undefined or <paramref name="threads"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit its dimensions, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> workspace, KernelPath path = KernelPath.Auto,
        SoftmaxLossForm form = SoftmaxLossForm.Auto, int threads = 0)
        => Run(w, ReadOnlySpan<float>.Empty, x, y, n, d, c, reg, dW, Span<float>.Empty, workspace, path, hasBias: false, form, threads);

    /// <summary>Loss and gradient of the classifier with bias <c>S = X·W + b</c>. dW and db are overwritten.</summary>
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
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength(int, int, int, SoftmaxLossForm)"/> floats for the requested form (<see cref="WorkspaceLength(int, int, int)"/> covers all); must not overlap anything else. Too short is an <see cref="ArgumentException"/>, never a silent allocation.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="form">On the SIMD paths, <see cref="SoftmaxLossForm.Composed"/> (GEMM → cross-entropy → GEMM) or <see cref="SoftmaxLossForm.Fused"/> (one pass over X); <see cref="SoftmaxLossForm.Auto"/> chooses by shape. The scalar reference ignores it.</param>
    /// <param name="threads">Threads: 0 = automatic by size, 1 = the calling thread only, k = at most k. The fused form splits the rows into lanes (a count fixed by N, at most 4) with per-lane partials in the workspace; the composed form passes it to its GEMMs. The result is bit-identical for every value. Only threads = 1 (or a small problem under 0) is allocation-free.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, reg is NaN, infinite or negative, a label is outside [0, C), <paramref name="form"/> is undefined or <paramref name="threads"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit its dimensions, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, KernelPath path = KernelPath.Auto,
        SoftmaxLossForm form = SoftmaxLossForm.Auto, int threads = 0)
        => Run(w, b, x, y, n, d, c, reg, dW, db, workspace, path, hasBias: true, form, threads);

    /// <summary>The form <see cref="SoftmaxLossForm.Auto"/> resolves to for C classes (see <see cref="FusedMaxClasses"/>).</summary>
    /// <param name="form">The requested form; an explicit one is returned unchanged.</param>
    /// <param name="c">The number of classes.</param>
    public static SoftmaxLossForm ChooseForm(SoftmaxLossForm form, int c) =>
        form != SoftmaxLossForm.Auto ? form : c <= FusedMaxClasses ? SoftmaxLossForm.Fused : SoftmaxLossForm.Composed;

    private static float Run(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, Span<float> dW, Span<float> db, Span<float> workspace, KernelPath path, bool hasBias,
        SoftmaxLossForm form, int threads)
    {
        RequireForm(form);
        ClassifierArguments.Shape(n, d, c, threads);
        ClassifierArguments.Spans(w, b, x, y, n, d, c, reg, dW, db, workspace, WorkspaceLength(n, d, c, form), hasBias);
        bool fused = ChooseForm(form, c) == SoftmaxLossForm.Fused;
        return KernelPaths.Resolve(path) switch
        {
            KernelPath.Scalar => SoftmaxLossScalar.Run(w, b, x, y, n, d, c, reg, dW, db, workspace, hasBias),
            var p when !fused => SoftmaxLossComposed.Run(p, w, b, x, y, n, d, c, reg, dW, db, workspace, hasBias, threads),
            KernelPath.Avx512 => SoftmaxLossFused.Run<Avx512Isa, CrossEntropyRowLoss<Avx512Isa>>(w, b, x, y, n, d, c, reg, dW, db, workspace, hasBias, threads),
            _ => SoftmaxLossFused.Run<Avx2Isa, CrossEntropyRowLoss<Avx2Isa>>(w, b, x, y, n, d, c, reg, dW, db, workspace, hasBias, threads),
        };
    }
}
