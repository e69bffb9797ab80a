namespace SimdSoftmax;

/// <summary>
/// A linear layer followed by softmax cross-entropy, <c>L = CE(X·W + bias, labels)</c>, with its gradients dW, dBias and dX,
/// without ever holding the N×C logits: rows are processed in blocks of R (R·C floats of caller workspace, independent
/// of N), each block's logits turned into their gradient in place and folded into dX and dW by GEMMs
/// (Liger-Kernel's chunked fused linear cross-entropy, on a CPU).
/// </summary>
/// <remarks>
/// <para>Per block of rows B: <c>S_B = X_B·W + b</c> (the library's blocked GEMM), the cross-entropy rows on S_B in place
/// giving <c>dS_B = ∂L/∂S_B</c> (the fused SIMD cross-entropy kernels; the options' formulas are in
/// <see cref="CrossEntropyOptions"/>), then <c>dX_B = dS_B·Wᵀ</c>, <c>dW += X_Bᵀ·dS_B</c>, <c>dBias += Σ rows of dS_B</c>.
/// The mean's divisor is computed from the labels and class weights before the first block, so every block's gradient
/// carries its final scale.</para>
/// <para>Options: reduction (mean, sum, none), ignore index, class weights, label smoothing, z-loss, and the per-row
/// losses, log-sum-exp and argmax of <see cref="CrossEntropyRowOutputs"/>. With smoothing, z-loss, log-sum-exp or argmax
/// the cross-entropy rows run the SIMD option rows of <see cref="SoftmaxCrossEntropy"/>'s options overloads. Soft
/// (probability) targets: the <c>targets</c> overload of <c>LossAndGradient</c>.</para>
/// <para>Threads and determinism: each phase of a block is one hand-off to the persistent workers — the forward GEMM in
/// column slabs, the cross-entropy rows in fixed chunks of 8 rows, then the slabs of dW, dX and dBias together. A slab
/// is computed by the kernel calls the whole GEMM would make, the row chunks' sums are added in chunk order, and the sums
/// over blocks are in block order, so the results are bitwise identical for every thread count.</para>
/// </remarks>
public static partial class LinearCrossEntropy
{
    /// <summary>
    /// Rows per block R for C classes: <c>Tuning.LinearCeBlockFloats / C</c>, at most <c>Tuning.LinearCeMaxBlockRows</c>,
    /// at least <c>Tuning.LinearCeMinBlockRows</c> (64: fewer rows leave the GEMMs re-reading W per handful of rows), rounded down to a multiple of 8 when that leaves at least 8.
    /// </summary>
    public static int BlockRows(int classes)
    {
        Require.NonNegative(classes);
        int r = Math.Clamp(Tuning.LinearCeBlockFloats / Math.Max(1, classes), Tuning.LinearCeMinBlockRows, Tuning.LinearCeMaxBlockRows);
        if (r >= Tuning.LinearCeRowMultiple) r -= r % Tuning.LinearCeRowMultiple;
        return r;
    }

    /// <summary>
    /// Floats of workspace <c>LossAndGradient</c> needs (either overload): <c>min(N, R)·C</c> with R = <see cref="BlockRows"/>(C) — one block of
    /// logits, the same for every N ≥ R. <paramref name="features"/> (D) does not change it; it is checked for the caller's shape.
    /// </summary>
    /// <param name="rows">N, the number of rows of X.</param>
    /// <param name="features">D, the number of features (columns of X).</param>
    /// <param name="classes">C, the number of classes.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or the length overflows.</exception>
    public static int WorkspaceLength(int rows, int features, int classes)
    {
        Require.NonNegative(rows);
        Require.NonNegative(features);
        Require.NonNegative(classes);
        return Require.Product(Math.Min(rows, BlockRows(classes)), classes, nameof(classes));
    }

    /// <summary>
    /// The loss <c>L = CE(X·W + bias, labels)</c> (options as in <see cref="CrossEntropyOptions"/>) plus
    /// <c>½·options.Regularization·ΣW²</c>, and the requested gradients <c>dW = ∂L/∂W</c> (in W's layout), <c>dBias = ∂L/∂bias</c>,
    /// <c>dX = ∂L/∂X</c>.
    /// </summary>
    /// <param name="x">X, rows×features row-major.</param>
    /// <param name="w">W, features×classes or classes×features row-major as <paramref name="layout"/> says.</param>
    /// <param name="layout">How W (and dW) is stored.</param>
    /// <param name="bias">Empty (no bias) or classes floats.</param>
    /// <param name="labels">The true class of each row, rows values in [0, classes) or equal to <see cref="CrossEntropyOptions.IgnoreIndex"/>.</param>
    /// <param name="dW">Empty (not computed) or the gradient with respect to W, W's shape and layout; overwritten.</param>
    /// <param name="dBias">Empty (not computed) or classes floats; overwritten. Needs no bias (it is the gradient of a zero bias then).</param>
    /// <param name="dX">Empty (not computed) or rows×features; overwritten.</param>
    /// <param name="workspace">At least <see cref="WorkspaceLength"/>(rows, features, classes) floats of scratch; contents undefined afterwards.</param>
    /// <param name="rows">N, the number of rows of X.</param>
    /// <param name="features">D, the number of features (columns of X).</param>
    /// <param name="classes">C, the number of classes; at least 1 when there are rows.</param>
    /// <param name="options">The regularization (<c>½·reg·ΣW²</c> in the loss, <c>reg·W</c> in dW) and the optional gradient filter
    /// (<see cref="LinearCrossEntropyOptions.GradientFilter"/>, off by default). There is no form to choose: the computation is always the blocked one.</param>
    /// <param name="crossEntropy">Reduction, ignore index, label smoothing, z-loss, class weights.</param>
    /// <param name="rowOutputs">Optional per-row losses, log-sum-exp and argmax (each N long or empty); Losses is required for <see cref="CrossEntropyReduction.None"/>.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">Threads sharing each block's phases (GEMM slabs, row chunks): 0 (default) automatic by size, 1 the calling thread only (allocation-free), k up to k. Results are bitwise identical for every count.</param>
    /// <returns>The reduced loss (the sum of the per-row losses for <see cref="CrossEntropyReduction.None"/>) plus the regularization term.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension, threads, <paramref name="options"/> (regularization, gradient filter) is out of range, a size overflows, a label is outside [0, C) and not the ignore index, an option is out of range, a class weight is negative or not finite, or <paramref name="layout"/> is undefined.</exception>
    /// <exception cref="ArgumentException">A length does not fit, the workspace is too short, or an output overlaps an input or another output.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> w, WeightLayout layout, ReadOnlySpan<float> bias,
        ReadOnlySpan<int> labels, Span<float> dW, Span<float> dBias, Span<float> dX, Span<float> workspace,
        int rows, int features, int classes, LinearCrossEntropyOptions options = default, CrossEntropyOptions crossEntropy = default,
        CrossEntropyRowOutputs rowOutputs = default, KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ReadOnlySpan<float> classWeights = crossEntropy.ClassWeights.Span;
        ValidateShapes(x, w, layout, bias, labels.Length, 1, nameof(labels), dW, dBias, dX, workspace, rows, features, classes,
            options, crossEntropy, rowOutputs, threads);
        RequireApart(x, w, bias, labels, classWeights, dW, dBias, dX, workspace, rowOutputs);
        SoftmaxCrossEntropy.ValidateLabels(labels, classes, crossEntropy.IgnoreIndex, nameof(labels));
        KernelPath resolved = KernelPaths.Resolve(path);
        return LinearCrossEntropyBlocked.Run(resolved, x, w, layout == WeightLayout.ClassesByInputs, bias, labels, rows, features, classes,
            crossEntropy, classWeights, dW, dBias, dX, workspace, rowOutputs, options.Regularization, threads, options.GradientFilter);
    }

    /// <summary>
    /// The checks both overloads share, in the family's order: options and sizes, then every length (the labels or
    /// targets, <paramref name="perRow"/> values a row, in the input's place), the workspace, class weights, row outputs.
    /// </summary>
    private static void ValidateShapes(ReadOnlySpan<float> x, ReadOnlySpan<float> w, WeightLayout layout, ReadOnlySpan<float> bias,
        int targetLength, int perRow, string targetName, Span<float> dW, Span<float> dBias, Span<float> dX, Span<float> workspace,
        int rows, int features, int classes, in LinearCrossEntropyOptions options, in CrossEntropyOptions crossEntropy, CrossEntropyRowOutputs rowOutputs,
        int threads)
    {
        options.Validate(nameof(options));
        crossEntropy.Validate(nameof(crossEntropy));
        if (layout is not (WeightLayout.InputsByClasses or WeightLayout.ClassesByInputs))
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "Not a defined WeightLayout value.");
        Require.NonNegative(rows);
        Require.NonNegative(features);
        Require.NonNegative(classes);
        Require.NonNegative(threads);
        if (classes == 0 && rows > 0)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "There must be at least one class when there are rows.");
        int rf = Require.Product(rows, features, nameof(features));
        int fc = Require.Product(features, classes, nameof(classes));
        Require.Length(x.Length, rf, nameof(x));
        Require.Length(w.Length, fc, nameof(w));
        if (!bias.IsEmpty) Require.Length(bias.Length, classes, nameof(bias));
        Require.Length(targetLength, Require.Product(rows, perRow, nameof(classes)), targetName);
        if (!dW.IsEmpty) Require.Length(dW.Length, fc, nameof(dW));
        if (!dBias.IsEmpty) Require.Length(dBias.Length, classes, nameof(dBias));
        if (!dX.IsEmpty) Require.Length(dX.Length, rf, nameof(dX));
        Require.AtLeast(workspace.Length, WorkspaceLength(rows, features, classes), nameof(workspace));
        SoftmaxCrossEntropy.ValidateWeights(crossEntropy.ClassWeights.Span, classes, ClassWeightsName);
        SoftmaxCrossEntropy.ValidateRowOutputs(rowOutputs, rows, crossEntropy);
    }

    /// <summary>How errors name the class weights (<see cref="SoftmaxLoss"/>'s spelling: they are in <c>crossEntropy</c>).</summary>
    private const string ClassWeightsName = "crossEntropy.ClassWeights";

    /// <summary>Every output apart from every input and from every other output.</summary>
    private static void RequireApart(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ReadOnlySpan<int> labels,
        ReadOnlySpan<float> classWeights, Span<float> dW, Span<float> dBias, Span<float> dX, Span<float> workspace, CrossEntropyRowOutputs ro)
    {
        ReadOnlySpan<float> losses = ro.Losses, lse = ro.LogSumExp;
        ReadOnlySpan<int> argmax = ro.Argmax;
        // Outputs (float ones, then the int one) against every input.
        ReadOnlySpan<float> o0 = dW, o1 = dBias, o2 = dX, o3 = workspace;
        CheckFloatOutput(o0, nameof(dW), x, w, bias, labels, classWeights);
        CheckFloatOutput(o1, nameof(dBias), x, w, bias, labels, classWeights);
        CheckFloatOutput(o2, nameof(dX), x, w, bias, labels, classWeights);
        CheckFloatOutput(o3, nameof(workspace), x, w, bias, labels, classWeights);
        CheckFloatOutput(losses, "rowOutputs.Losses", x, w, bias, labels, classWeights);
        CheckFloatOutput(lse, "rowOutputs.LogSumExp", x, w, bias, labels, classWeights);
        Require.NoOverlap(x, argmax, nameof(x), "rowOutputs.Argmax");
        Require.NoOverlap(w, argmax, nameof(w), "rowOutputs.Argmax");
        Require.NoOverlap(bias, argmax, nameof(bias), "rowOutputs.Argmax");
        Require.NoOverlap(labels, argmax, nameof(labels), "rowOutputs.Argmax");
        Require.NoOverlap(classWeights, argmax, ClassWeightsName, "rowOutputs.Argmax");
        // Outputs pairwise.
        Require.NoOverlap(o0, o1, nameof(dW), nameof(dBias));
        Require.NoOverlap(o0, o2, nameof(dW), nameof(dX));
        Require.NoOverlap(o0, o3, nameof(dW), nameof(workspace));
        Require.NoOverlap(o1, o2, nameof(dBias), nameof(dX));
        Require.NoOverlap(o1, o3, nameof(dBias), nameof(workspace));
        Require.NoOverlap(o2, o3, nameof(dX), nameof(workspace));
        ApartFromRowOutputs(o0, nameof(dW), losses, lse, argmax);
        ApartFromRowOutputs(o1, nameof(dBias), losses, lse, argmax);
        ApartFromRowOutputs(o2, nameof(dX), losses, lse, argmax);
        ApartFromRowOutputs(o3, nameof(workspace), losses, lse, argmax);
        Require.NoOverlap(losses, lse, "rowOutputs.Losses", "rowOutputs.LogSumExp");
        Require.NoOverlap(losses, argmax, "rowOutputs.Losses", "rowOutputs.Argmax");
        Require.NoOverlap(lse, argmax, "rowOutputs.LogSumExp", "rowOutputs.Argmax");
    }

    private static void ApartFromRowOutputs(ReadOnlySpan<float> output, string name, ReadOnlySpan<float> losses,
        ReadOnlySpan<float> lse, ReadOnlySpan<int> argmax)
    {
        Require.NoOverlap(output, losses, name, "rowOutputs.Losses");
        Require.NoOverlap(output, lse, name, "rowOutputs.LogSumExp");
        Require.NoOverlap(output, argmax, name, "rowOutputs.Argmax");
    }

    private static void CheckFloatOutput(ReadOnlySpan<float> output, string name, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> bias, ReadOnlySpan<int> labels, ReadOnlySpan<float> classWeights)
    {
        Require.NoOverlap(x, output, nameof(x), name);
        Require.NoOverlap(w, output, nameof(w), name);
        Require.NoOverlap(bias, output, nameof(bias), name);
        Require.NoOverlap(labels, output, nameof(labels), name);
        Require.NoOverlap(classWeights, output, ClassWeightsName, name);
    }
}
