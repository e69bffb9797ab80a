namespace SimdSoftmax;

public static partial class SoftmaxLoss
{
    /// <summary>
    /// The classifier <c>S = X·W (+ b)</c> with the cross-entropy options of <see cref="CrossEntropyOptions"/>, class
    /// weights, per-row outputs and the optional input gradient: <c>L = CE_options(S, y) + ½·reg·ΣW²</c>,
    /// <c>dS = ∂CE/∂S</c> (see <see cref="CrossEntropyOptions"/>), <c>dW = Xᵀ·dS + reg·W</c>, <c>db = Σ_i dS_i</c>,
    /// <c>dX = dS·Wᵀ</c>. dW, db and dX are overwritten.
    /// </summary>
    /// <param name="w">Weights W, D×C row-major.</param>
    /// <param name="b">Bias, C values (not regularized), or empty for no bias (then <paramref name="db"/> must be empty too).</param>
    /// <param name="x">Samples X, N×D row-major.</param>
    /// <param name="y">Labels, N values in [0, C) or equal to <see cref="CrossEntropyOptions.IgnoreIndex"/>.</param>
    /// <param name="n">N, the number of samples.</param>
    /// <param name="d">D, the number of features.</param>
    /// <param name="c">C, the number of classes (at least 1 when N &gt; 0).</param>
    /// <param name="reg">Regularization strength, finite and ≥ 0: adds ½·reg·ΣW² to the loss and reg·W to dW (under every reduction).</param>
    /// <param name="options">Reduction, ignore index, label smoothing, z-loss. <c>default</c> with no class weights, no row outputs and no dX runs exactly what <see cref="LossAndGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, int, float, Span{float}, Span{float}, Span{float}, KernelPath, SoftmaxLossForm, int)"/> runs (form Auto), bit for bit.</param>
    /// <param name="classWeights">Empty (every weight 1) or C finite weights ≥ 0.</param>
    /// <param name="dW">Output D×C gradient; must not overlap any other argument.</param>
    /// <param name="db">Output C gradient of the bias (empty when there is no bias); must not overlap any other argument.</param>
    /// <param name="dX">Output N×D gradient with respect to X, or empty (not computed); must not overlap any other argument.</param>
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength(int, int, int)"/> floats; must not overlap anything else.</param>
    /// <param name="rowOutputs">Optional per-row losses, log-sum-exp of the scores and argmax (predictions); each N long or empty.</param>
    /// <param name="path">
    /// Which implementation runs. On the SIMD paths the form follows the plain overload's Auto rule
    /// (<see cref="ChooseForm"/>: fused up to <see cref="FusedMaxClasses"/> classes): the fused one-pass form takes the
    /// reduction, the ignore index, class weights, row losses and dX (computed per row block while its dS is in cache,
    /// so X is read once and dX written once). Label smoothing, z-loss and the log-sum-exp or argmax outputs, and more
    /// classes, run the composed form: SIMD GEMM for S, the cross-entropy options in place on S exactly as
    /// <see cref="SoftmaxCrossEntropy.LossAndGradient(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, int, CrossEntropyOptions, ReadOnlySpan{float}, CrossEntropyRowOutputs, KernelPath)"/>
    /// runs them (SIMD kernels, or the scalar fallback for smoothing, z-loss, lse/argmax), then SIMD GEMMs for dW and dX.
    /// </param>
    /// <param name="threads">Threads for the GEMMs or the fused pass's row lanes: 0 = automatic by size, 1 = the calling thread only, k = at most k. The result is bit-identical for every value; only threads = 1 (or a small problem under 0) is allocation-free.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, reg is NaN, infinite or negative, a label is outside [0, C) and not the ignore index, an option or a class weight is out of range, or threads is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit its dimensions, an output overlaps another buffer, or Reduction None without row losses.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        int n, int d, int c, float reg, CrossEntropyOptions options, ReadOnlySpan<float> classWeights,
        Span<float> dW, Span<float> db, Span<float> dX, Span<float> workspace, CrossEntropyRowOutputs rowOutputs = default,
        KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ValidateWithOptions(w, b, x, y, default, soft: false, n, d, c, reg, options, classWeights, dW, db, dX, workspace, rowOutputs, threads);
        KernelPath p = KernelPaths.Resolve(path);
        if (options.IsDefault && classWeights.IsEmpty && !rowOutputs.Any && dX.IsEmpty)
        {
            // Today's classifier, bit for bit (its own validation passes: the checks above include all of it).
            return b.IsEmpty
                ? LossAndGradient(w, x, y, n, d, c, reg, dW, workspace, p, SoftmaxLossForm.Auto, threads)
                : LossAndGradient(w, b, x, y, n, d, c, reg, dW, db, workspace, p, SoftmaxLossForm.Auto, threads);
        }
        if (p == KernelPath.Scalar)
            return SoftmaxLossScalarOptions.Run(w, b, x, y, default, false, n, d, c, reg, options, classWeights, dW, db, dX, workspace, rowOutputs);
        if (ChooseForm(SoftmaxLossForm.Auto, c) == SoftmaxLossForm.Fused && SoftmaxLossFused.Options.Supports(options, rowOutputs))
        {
            var fusedOptions = new SoftmaxLossFused.Options
            {
                Reduction = options.Reduction, IgnoreIndex = options.IgnoreIndex, ClassWeights = classWeights,
                RowLosses = rowOutputs.Losses, DX = dX,
            };
            return p == KernelPath.Avx512
                ? SoftmaxLossFused.Run<Avx512Isa, CrossEntropyRowLoss<Avx512Isa>>(w, b, x, y, n, d, c, reg, fusedOptions, dW, db, workspace, !b.IsEmpty, threads)
                : SoftmaxLossFused.Run<Avx2Isa, CrossEntropyRowLoss<Avx2Isa>>(w, b, x, y, n, d, c, reg, fusedOptions, dW, db, workspace, !b.IsEmpty, threads);
        }
        return ComposedWithOptions(p, w, b, x, y, default, false, n, d, c, reg, options, classWeights, dW, db, dX, workspace, rowOutputs, threads);
    }

    /// <summary>
    /// The classifier against soft (probability) targets, N×C (PyTorch's float-target cross-entropy; formulas in
    /// <see cref="CrossEntropyOptions"/>), with options, class weights, per-row outputs and optional dX. Otherwise as the
    /// integer-label overload; soft targets have no SIMD cross-entropy kernel yet, so the SIMD paths run the GEMMs in SIMD
    /// and the cross-entropy step through the scalar fallback.
    /// </summary>
    /// <param name="w">Weights W, D×C row-major.</param>
    /// <param name="b">Bias, C values, or empty for no bias (then <paramref name="db"/> must be empty too).</param>
    /// <param name="x">Samples X, N×D row-major.</param>
    /// <param name="targets">N×C finite targets, row-major.</param>
    /// <param name="n">N, the number of samples.</param>
    /// <param name="d">D, the number of features.</param>
    /// <param name="c">C, the number of classes (at least 1 when N &gt; 0).</param>
    /// <param name="reg">Regularization strength, finite and ≥ 0.</param>
    /// <param name="options">Reduction, label smoothing, z-loss (the ignore index does not apply).</param>
    /// <param name="classWeights">Empty (every weight 1) or C finite weights ≥ 0.</param>
    /// <param name="dW">Output D×C gradient.</param>
    /// <param name="db">Output C gradient of the bias (empty when there is no bias).</param>
    /// <param name="dX">Output N×D gradient with respect to X, or empty.</param>
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength(int, int, int)"/> floats.</param>
    /// <param name="rowOutputs">Optional per-row losses, log-sum-exp and argmax; each N long or empty.</param>
    /// <param name="path">Which implementation runs.</param>
    /// <param name="threads">Threads for the GEMMs, as in the integer-label overload.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, reg is out of range, an option or a class weight is out of range, or threads is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit, a target is not finite, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<float> targets,
        int n, int d, int c, float reg, CrossEntropyOptions options, ReadOnlySpan<float> classWeights,
        Span<float> dW, Span<float> db, Span<float> dX, Span<float> workspace, CrossEntropyRowOutputs rowOutputs = default,
        KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ValidateWithOptions(w, b, x, default, targets, soft: true, n, d, c, reg, options, classWeights, dW, db, dX, workspace, rowOutputs, threads);
        KernelPath p = KernelPaths.Resolve(path);
        return p == KernelPath.Scalar
            ? SoftmaxLossScalarOptions.Run(w, b, x, default, targets, true, n, d, c, reg, options, classWeights, dW, db, dX, workspace, rowOutputs)
            : ComposedWithOptions(p, w, b, x, default, targets, true, n, d, c, reg, options, classWeights, dW, db, dX, workspace, rowOutputs, threads);
    }

    private static readonly string[] s_outputNames = ["dW", "db", "dX", "workspace", "rowOutputs.Losses", "rowOutputs.LogSumExp"];

    private static void ValidateWithOptions(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<int> y,
        ReadOnlySpan<float> targets, bool soft, int n, int d, int c, float reg, in CrossEntropyOptions options,
        ReadOnlySpan<float> classWeights, Span<float> dW, Span<float> db, Span<float> dX, Span<float> workspace,
        CrossEntropyRowOutputs rowOutputs, int threads)
    {
        options.Validate(nameof(options));
        Require.NonNegative(threads);
        Require.NonNegative(n);
        Require.NonNegative(d);
        Require.NonNegative(c);
        if (c == 0 && n > 0) throw new ArgumentOutOfRangeException(nameof(c), c, "There must be at least one class when there are samples.");
        int dc = Require.Product(d, c, nameof(c));
        int nd = Require.Product(n, d, nameof(d));
        int nc = Require.Product(n, c, nameof(c));
        Require.Length(w.Length, dc, nameof(w));
        Require.Length(x.Length, nd, nameof(x));
        if (soft)
        {
            Require.Length(targets.Length, nc, nameof(targets));
            for (int k = 0; k < targets.Length; k++)
                if (!float.IsFinite(targets[k]))
                    throw new ArgumentException($"targets[{k}] = {targets[k]} is not finite.", nameof(targets));
        }
        else Require.Length(y.Length, n, nameof(y));
        Require.Length(dW.Length, dc, nameof(dW));
        if (!b.IsEmpty) Require.Length(b.Length, c, nameof(b));
        Require.Length(db.Length, b.IsEmpty ? 0 : c, nameof(db));
        if (!dX.IsEmpty) Require.Length(dX.Length, nd, nameof(dX));
        Require.AtLeast(workspace.Length, WorkspaceLength(n, d, c), nameof(workspace));
        Require.FiniteNonNegative(reg, nameof(reg));
        SoftmaxCrossEntropy.ValidateWeights(classWeights, c);
        SoftmaxCrossEntropy.ValidateRowOutputs(rowOutputs, n, options);

        // Every output apart from every input and from each other.
        Span<float> rowLosses = rowOutputs.Losses, rowLse = rowOutputs.LogSumExp;
        Span<int> rowArgmax = rowOutputs.Argmax;
        ReadOnlySpan<float> outF0 = dW, outF1 = db, outF2 = dX, outF3 = workspace, outF4 = rowLosses, outF5 = rowLse;
        for (int k = 0; k < 6; k++)
        {
            ReadOnlySpan<float> o = k switch { 0 => outF0, 1 => outF1, 2 => outF2, 3 => outF3, 4 => outF4, _ => outF5 };
            Require.NoOverlap(w, o, nameof(w), s_outputNames[k]);
            Require.NoOverlap(b, o, nameof(b), s_outputNames[k]);
            Require.NoOverlap(x, o, nameof(x), s_outputNames[k]);
            Require.NoOverlap(y, o, nameof(y), s_outputNames[k]);
            Require.NoOverlap(targets, o, nameof(targets), s_outputNames[k]);
            Require.NoOverlap(classWeights, o, nameof(classWeights), s_outputNames[k]);
            for (int m = k + 1; m < 6; m++)
            {
                ReadOnlySpan<float> o2 = m switch { 1 => outF1, 2 => outF2, 3 => outF3, 4 => outF4, _ => outF5 };
                Require.NoOverlap(o, o2, s_outputNames[k], s_outputNames[m]);
            }
            Require.NoOverlap<float, int>(o, rowArgmax, s_outputNames[k], "rowOutputs.Argmax");
        }
        ReadOnlySpan<int> argmaxRead = rowArgmax;
        Require.NoOverlap(w, argmaxRead, nameof(w), "rowOutputs.Argmax");
        Require.NoOverlap(b, argmaxRead, nameof(b), "rowOutputs.Argmax");
        Require.NoOverlap(x, argmaxRead, nameof(x), "rowOutputs.Argmax");
        Require.NoOverlap(y, argmaxRead, nameof(y), "rowOutputs.Argmax");
        Require.NoOverlap(targets, argmaxRead, nameof(targets), "rowOutputs.Argmax");
        Require.NoOverlap(classWeights, argmaxRead, nameof(classWeights), "rowOutputs.Argmax");
        if (!soft) SoftmaxCrossEntropy.ValidateLabels(y, c, options.IgnoreIndex, nameof(y));
    }

    /// <summary>
    /// The composed classifier with options on a SIMD path: GEMM <c>S = X·W (+ b)</c> into the workspace, the option
    /// cross-entropy in place (<c>S → dS</c>), <c>db = Σ_i dS_i</c>, GEMM <c>dX = dS·Wᵀ</c>, then W copied into dW and
    /// GEMM <c>dW = Xᵀ·dS + reg·W</c>.
    /// </summary>
    private static float ComposedWithOptions(KernelPath path, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x,
        ReadOnlySpan<int> y, ReadOnlySpan<float> targets, bool soft, int n, int d, int c, float reg, in CrossEntropyOptions options,
        ReadOnlySpan<float> classWeights, Span<float> dW, Span<float> db, Span<float> dX, Span<float> workspace,
        CrossEntropyRowOutputs rowOutputs, int threads)
    {
        double reg2 = 0;
        foreach (float v in w) reg2 += (double)v * v;
        if (n == 0)
        {
            for (int k = 0; k < w.Length; k++) dW[k] = reg * w[k];
            db.Clear();
            return (float)(0.5 * reg * reg2);
        }
        Span<float> s = workspace.Slice(0, n * c);
        float beta = 0f;
        if (!b.IsEmpty)
        {
            for (int i = 0; i < n; i++) b.CopyTo(s.Slice(i * c, c));
            beta = 1f;
        }
        Gemm.Run(path, false, false, n, c, d, 1f, x, Math.Max(1, d), w, Math.Max(1, c), beta, s, Math.Max(1, c), threads);
        float ce = SoftmaxCrossEntropy.Dispatch(path, s, y, targets, soft, n, c, options, classWeights, s, rowOutputs);
        if (!b.IsEmpty)
        {
            db.Clear();
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<float> row = s.Slice(i * c, c);
                for (int j = 0; j < c; j++) db[j] += row[j];
            }
        }
        if (!dX.IsEmpty)
            Gemm.Run(path, false, true, n, d, c, 1f, s, Math.Max(1, c), w, Math.Max(1, c), 0f, dX, Math.Max(1, d), threads);
        w.CopyTo(dW);
        Gemm.Run(path, true, false, d, c, n, 1f, x, Math.Max(1, d), s, Math.Max(1, c), reg, dW, Math.Max(1, c), threads);
        return (float)(ce + 0.5 * reg * reg2);
    }
}
