namespace SimdSoftmax;

public static partial class SoftmaxLoss
{
    /// <summary>
    /// The classifier <c>S = X·W (+ bias)</c> with the cross-entropy options of <see cref="CrossEntropyOptions"/> (class
    /// weights included), per-row outputs and the optional input gradient: <c>L = CE_options(S, labels) + ½·reg·ΣW²</c>,
    /// <c>dS = ∂CE/∂S</c> (see <see cref="CrossEntropyOptions"/>), <c>dW = Xᵀ·dS + reg·W</c>, <c>dBias = Σ_i dS_i</c>,
    /// <c>dX = dS·Wᵀ</c>. dW, dBias and dX are overwritten.
    /// </summary>
    /// <param name="x">Samples X, rows×features row-major.</param>
    /// <param name="w">Weights W, features×classes row-major.</param>
    /// <param name="bias">Bias, classes values (not regularized), or empty for no bias (then <paramref name="dBias"/> must be empty too).</param>
    /// <param name="labels">The true class of each row, rows values in [0, classes) or equal to <see cref="CrossEntropyOptions.IgnoreIndex"/>.</param>
    /// <param name="dW">Output features×classes gradient; must not overlap any other argument.</param>
    /// <param name="dBias">Output gradient of the bias, classes values (empty when there is no bias); must not overlap any other argument.</param>
    /// <param name="dX">Output rows×features gradient with respect to X, or empty (not computed); must not overlap any other argument.</param>
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength"/>(rows, features, classes, form) floats for the form that runs:
    /// <see cref="ClassifierForm.Fused"/> when <see cref="ChooseForm"/>(options.Form, classes) is Fused and the cross-entropy options are
    /// ones the fused form takes (no label smoothing, z-loss, log-sum-exp or argmax output), else <see cref="ClassifierForm.Composed"/>.
    /// Must not overlap anything else.</param>
    /// <param name="rows">N, the number of samples.</param>
    /// <param name="features">D, the number of features.</param>
    /// <param name="classes">C, the number of classes (at least 1 when there are rows).</param>
    /// <param name="options">Regularization (½·reg·ΣW² in the loss, reg·W in dW, under every reduction) and the form (see <paramref name="path"/>).</param>
    /// <param name="crossEntropy">Reduction, ignore index, label smoothing, z-loss, class weights. <c>default</c> with no row outputs and no dX runs exactly what <see cref="LossAndGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, Span{float}, Span{float}, int, int, int, ClassifierOptions, KernelPath, int)"/> runs, bit for bit.</param>
    /// <param name="rowOutputs">Optional per-row losses, log-sum-exp of the scores and argmax (predictions); each N long or empty.</param>
    /// <param name="path">
    /// Which implementation runs. On the SIMD paths the form follows <paramref name="options"/> (<see cref="ChooseForm"/>:
    /// Auto is fused up to <see cref="FusedMaxClasses"/> classes): the fused one-pass form takes the reduction, the ignore
    /// index, class weights, row losses and dX (computed per row block while its dS is in cache, so X is read once and dX
    /// written once). Label smoothing, z-loss and the log-sum-exp or argmax outputs run the composed form whatever the form
    /// asked: SIMD GEMM for S, the cross-entropy options in place on S exactly as
    /// <see cref="SoftmaxCrossEntropy.LossAndGradient(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, int, CrossEntropyOptions, CrossEntropyRowOutputs, KernelPath)"/>
    /// runs them, then SIMD GEMMs for dW and dX.
    /// </param>
    /// <param name="threads">Threads for the GEMMs or the fused pass's row lanes: 0 = automatic by size, 1 = the calling thread only, k = at most k. The result is bit-identical for every value; only threads = 1 (or a small problem under 0) is allocation-free.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, an option or a class weight is out of range, a label is outside [0, C) and not the ignore index, or threads is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit its dimensions, an output overlaps another buffer, or Reduction None without row losses.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ReadOnlySpan<int> labels,
        Span<float> dW, Span<float> dBias, Span<float> dX, Span<float> workspace, int rows, int features, int classes,
        ClassifierOptions options, CrossEntropyOptions crossEntropy, CrossEntropyRowOutputs rowOutputs = default,
        KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ReadOnlySpan<float> classWeights = crossEntropy.ClassWeights.Span;
        ClassifierForm form = ValidateWithOptions(x, w, bias, labels, default, soft: false, dW, dBias, dX, workspace, rows, features, classes,
            options, crossEntropy, classWeights, rowOutputs, threads);
        KernelPath p = KernelPaths.Resolve(path);
        int n = rows, d = features, c = classes;
        float reg = options.Regularization;
        if (crossEntropy.IsDefault && !rowOutputs.Any && dX.IsEmpty)
        {
            // Today's classifier, bit for bit (its own validation passes: the checks above include all of it).
            return bias.IsEmpty
                ? LossAndGradient(x, w, labels, dW, workspace, n, d, c, options, p, threads)
                : LossAndGradient(x, w, bias, labels, dW, dBias, workspace, n, d, c, options, p, threads);
        }
        if (p == KernelPath.Scalar)
            return SoftmaxLossScalarOptions.Run(w, bias, x, labels, default, false, n, d, c, reg, crossEntropy, classWeights, dW, dBias, dX, workspace, rowOutputs);
        if (form == ClassifierForm.Fused)
        {
            var fusedOptions = new SoftmaxLossFused.Options
            {
                Reduction = crossEntropy.Reduction, IgnoreIndex = crossEntropy.IgnoreIndex, ClassWeights = classWeights,
                RowLosses = rowOutputs.Losses, DX = dX,
            };
            return p == KernelPath.Avx512
                ? SoftmaxLossFused.Run<Avx512Isa, CrossEntropyRowLoss<Avx512Isa>>(w, bias, x, labels, n, d, c, reg, fusedOptions, dW, dBias, workspace, !bias.IsEmpty, threads)
                : SoftmaxLossFused.Run<Avx2Isa, CrossEntropyRowLoss<Avx2Isa>>(w, bias, x, labels, n, d, c, reg, fusedOptions, dW, dBias, workspace, !bias.IsEmpty, threads);
        }
        return ComposedWithOptions(p, w, bias, x, labels, default, false, n, d, c, reg, crossEntropy, classWeights, dW, dBias, dX, workspace, rowOutputs, threads);
    }

    /// <summary>
    /// The classifier against soft (probability) targets, rows×classes (PyTorch's float-target cross-entropy; formulas in
    /// <see cref="CrossEntropyOptions"/>), with options, per-row outputs and optional dX. Otherwise as the integer-label
    /// overload; it always runs the composed form (GEMMs in SIMD, the cross-entropy options kernel between them).
    /// </summary>
    /// <param name="x">Samples X, rows×features row-major.</param>
    /// <param name="w">Weights W, features×classes row-major.</param>
    /// <param name="bias">Bias, classes values, or empty for no bias (then <paramref name="dBias"/> must be empty too).</param>
    /// <param name="targets">rows×classes finite targets, row-major.</param>
    /// <param name="dW">Output features×classes gradient.</param>
    /// <param name="dBias">Output gradient of the bias (empty when there is no bias).</param>
    /// <param name="dX">Output rows×features gradient with respect to X, or empty.</param>
    /// <param name="workspace">Scratch of at least <see cref="WorkspaceLength"/>(rows, features, classes, <see cref="ClassifierForm.Composed"/>) floats.</param>
    /// <param name="rows">N, the number of samples.</param>
    /// <param name="features">D, the number of features.</param>
    /// <param name="classes">C, the number of classes (at least 1 when there are rows).</param>
    /// <param name="options">Regularization; the form is always composed here.</param>
    /// <param name="crossEntropy">Reduction, label smoothing, z-loss, class weights (the ignore index does not apply).</param>
    /// <param name="rowOutputs">Optional per-row losses, log-sum-exp and argmax; each N long or empty.</param>
    /// <param name="path">Which implementation runs.</param>
    /// <param name="threads">Threads for the GEMMs, as in the integer-label overload.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or overflows, an option or a class weight is out of range, or threads is negative.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit, a target is not finite, or an output overlaps another buffer.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ReadOnlySpan<float> targets,
        Span<float> dW, Span<float> dBias, Span<float> dX, Span<float> workspace, int rows, int features, int classes,
        ClassifierOptions options, CrossEntropyOptions crossEntropy, CrossEntropyRowOutputs rowOutputs = default,
        KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ReadOnlySpan<float> classWeights = crossEntropy.ClassWeights.Span;
        ValidateWithOptions(x, w, bias, default, targets, soft: true, dW, dBias, dX, workspace, rows, features, classes,
            options, crossEntropy, classWeights, rowOutputs, threads);
        KernelPath p = KernelPaths.Resolve(path);
        float reg = options.Regularization;
        return p == KernelPath.Scalar
            ? SoftmaxLossScalarOptions.Run(w, bias, x, default, targets, true, rows, features, classes, reg, crossEntropy, classWeights, dW, dBias, dX, workspace, rowOutputs)
            : ComposedWithOptions(p, w, bias, x, default, targets, true, rows, features, classes, reg, crossEntropy, classWeights, dW, dBias, dX, workspace, rowOutputs, threads);
    }

    private static readonly string[] s_outputNames = ["dW", "dBias", "dX", "workspace", "rowOutputs.Losses", "rowOutputs.LogSumExp"];

    /// <summary>Every check of the option overloads, before anything is written.</summary>
    /// <returns>The form the SIMD paths run (the workspace was checked for it).</returns>
    private static ClassifierForm ValidateWithOptions(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ReadOnlySpan<int> labels,
        ReadOnlySpan<float> targets, bool soft, Span<float> dW, Span<float> dBias, Span<float> dX, Span<float> workspace,
        int rows, int features, int classes, in ClassifierOptions options, in CrossEntropyOptions crossEntropy,
        ReadOnlySpan<float> classWeights, CrossEntropyRowOutputs rowOutputs, int threads)
    {
        options.Validate(nameof(options));
        crossEntropy.Validate(nameof(crossEntropy));
        Require.NonNegative(threads);
        Require.NonNegative(rows);
        Require.NonNegative(features);
        Require.NonNegative(classes);
        if (classes == 0 && rows > 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "There must be at least one class when there are rows.");
        int fc = Require.Product(features, classes, nameof(classes));
        int rf = Require.Product(rows, features, nameof(features));
        int rc = Require.Product(rows, classes, nameof(classes));
        Require.Length(x.Length, rf, nameof(x));
        Require.Length(w.Length, fc, nameof(w));
        if (!bias.IsEmpty) Require.Length(bias.Length, classes, nameof(bias));
        if (soft)
        {
            Require.Length(targets.Length, rc, nameof(targets));
            for (int k = 0; k < targets.Length; k++)
                if (!float.IsFinite(targets[k]))
                    throw new ArgumentException($"targets[{k}] = {targets[k]} is not finite.", nameof(targets));
        }
        else Require.Length(labels.Length, rows, nameof(labels));
        Require.Length(dW.Length, fc, nameof(dW));
        Require.Length(dBias.Length, bias.IsEmpty ? 0 : classes, nameof(dBias));
        if (!dX.IsEmpty) Require.Length(dX.Length, rf, nameof(dX));
        ClassifierForm form = !soft && ChooseForm(options.Form, classes) == ClassifierForm.Fused && SoftmaxLossFused.Options.Supports(crossEntropy, rowOutputs)
            ? ClassifierForm.Fused : ClassifierForm.Composed;
        Require.AtLeast(workspace.Length, WorkspaceLength(rows, features, classes, form), nameof(workspace));
        const string weightsName = "crossEntropy.ClassWeights";
        SoftmaxCrossEntropy.ValidateWeights(classWeights, classes, weightsName);
        SoftmaxCrossEntropy.ValidateRowOutputs(rowOutputs, rows, crossEntropy);

        // Every output apart from every input and from each other.
        Span<float> rowLosses = rowOutputs.Losses, rowLse = rowOutputs.LogSumExp;
        Span<int> rowArgmax = rowOutputs.Argmax;
        ReadOnlySpan<float> outF0 = dW, outF1 = dBias, outF2 = dX, outF3 = workspace, outF4 = rowLosses, outF5 = rowLse;
        for (int k = 0; k < 6; k++)
        {
            ReadOnlySpan<float> o = k switch { 0 => outF0, 1 => outF1, 2 => outF2, 3 => outF3, 4 => outF4, _ => outF5 };
            Require.NoOverlap(x, o, nameof(x), s_outputNames[k]);
            Require.NoOverlap(w, o, nameof(w), s_outputNames[k]);
            Require.NoOverlap(bias, o, nameof(bias), s_outputNames[k]);
            Require.NoOverlap(labels, o, nameof(labels), s_outputNames[k]);
            Require.NoOverlap(targets, o, nameof(targets), s_outputNames[k]);
            Require.NoOverlap(classWeights, o, weightsName, s_outputNames[k]);
            for (int m = k + 1; m < 6; m++)
            {
                ReadOnlySpan<float> o2 = m switch { 1 => outF1, 2 => outF2, 3 => outF3, 4 => outF4, _ => outF5 };
                Require.NoOverlap(o, o2, s_outputNames[k], s_outputNames[m]);
            }
            Require.NoOverlap<float, int>(o, rowArgmax, s_outputNames[k], "rowOutputs.Argmax");
        }
        ReadOnlySpan<int> argmaxRead = rowArgmax;
        Require.NoOverlap(x, argmaxRead, nameof(x), "rowOutputs.Argmax");
        Require.NoOverlap(w, argmaxRead, nameof(w), "rowOutputs.Argmax");
        Require.NoOverlap(bias, argmaxRead, nameof(bias), "rowOutputs.Argmax");
        Require.NoOverlap(labels, argmaxRead, nameof(labels), "rowOutputs.Argmax");
        Require.NoOverlap(targets, argmaxRead, nameof(targets), "rowOutputs.Argmax");
        Require.NoOverlap(classWeights, argmaxRead, weightsName, "rowOutputs.Argmax");
        if (!soft) SoftmaxCrossEntropy.ValidateLabels(labels, classes, crossEntropy.IgnoreIndex, nameof(labels));
        return form;
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
