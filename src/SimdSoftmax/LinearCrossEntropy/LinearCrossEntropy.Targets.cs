namespace SimdSoftmax;

public static partial class LinearCrossEntropy
{
    /// <summary>
    /// <see cref="LossAndGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, WeightLayout, ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, Span{float}, Span{float}, Span{float}, int, int, int, LinearCrossEntropyOptions, CrossEntropyOptions, CrossEntropyRowOutputs, KernelPath, int)"/>
    /// with soft (probability) targets, as <c>torch.nn.functional.cross_entropy</c> with a float target:
    /// <c>ℓ_i = Σ_j w_j·t'_ij·(lse_i − s_ij)</c> with <c>t' = (1 − ε)·t + ε/C</c>, the mean divides by N, rows need not
    /// sum to 1 (the formulas are in <see cref="CrossEntropyOptions"/>; <see cref="CrossEntropyOptions.IgnoreIndex"/> does
    /// not apply). Same blocks, workspace (<see cref="WorkspaceLength"/>) and determinism as the labels overload.
    /// </summary>
    /// <param name="x">X, rows×features row-major.</param>
    /// <param name="w">W, features×classes or classes×features row-major as <paramref name="layout"/> says.</param>
    /// <param name="layout">How W (and dW) is stored.</param>
    /// <param name="bias">Empty (no bias) or classes floats.</param>
    /// <param name="targets">rows×classes finite target weights per class (probabilities, usually each row summing to 1).</param>
    /// <param name="dW">Empty (not computed) or the gradient with respect to W, W's shape and layout; overwritten.</param>
    /// <param name="dBias">Empty (not computed) or classes floats; overwritten.</param>
    /// <param name="dX">Empty (not computed) or rows×features; overwritten.</param>
    /// <param name="workspace">At least <see cref="WorkspaceLength"/>(rows, features, classes) floats of scratch; contents undefined afterwards.</param>
    /// <param name="rows">N, the number of rows of X.</param>
    /// <param name="features">D, the number of features (columns of X).</param>
    /// <param name="classes">C, the number of classes; at least 1 when there are rows.</param>
    /// <param name="options">The regularization (<c>½·reg·ΣW²</c> in the loss, <c>reg·W</c> in dW) and the optional gradient filter (<see cref="LinearCrossEntropyOptions.GradientFilter"/>).</param>
    /// <param name="crossEntropy">Reduction, label smoothing, z-loss, class weights (the ignore index does not apply to soft targets).</param>
    /// <param name="rowOutputs">Optional per-row losses, log-sum-exp and argmax (each N long or empty); Losses is required for <see cref="CrossEntropyReduction.None"/>.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">Threads sharing each block's phases (GEMM slabs, row chunks): 0 (default) automatic by size, 1 the calling thread only (allocation-free), k up to k. Results are bitwise identical for every count.</param>
    /// <returns>The reduced loss (the sum of the per-row losses for <see cref="CrossEntropyReduction.None"/>) plus the regularization term.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension, threads, <paramref name="options"/> (regularization, gradient filter) is out of range, a size overflows, an option is out of range, a class weight is negative or not finite, or <paramref name="layout"/> is undefined.</exception>
    /// <exception cref="ArgumentException">A length does not fit, a target is not finite, the workspace is too short, or an output overlaps an input or another output.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> w, WeightLayout layout, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> targets, Span<float> dW, Span<float> dBias, Span<float> dX, Span<float> workspace,
        int rows, int features, int classes, LinearCrossEntropyOptions options = default, CrossEntropyOptions crossEntropy = default,
        CrossEntropyRowOutputs rowOutputs = default, KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ReadOnlySpan<float> classWeights = crossEntropy.ClassWeights.Span;
        ValidateShapes(x, w, layout, bias, targets.Length, classes, nameof(targets), dW, dBias, dX, workspace, rows, features, classes,
            options, crossEntropy, rowOutputs, threads);
        for (int k = 0; k < targets.Length; k++)
            if (!float.IsFinite(targets[k]))
                throw new ArgumentException($"targets[{k}] = {targets[k]} is not finite.", nameof(targets));
        // The targets are an input like the labels: every output apart from them too.
        RequireApart(x, w, bias, default, classWeights, dW, dBias, dX, workspace, rowOutputs);
        RequireApartFromTargets(targets, dW, dBias, dX, workspace, rowOutputs);
        KernelPath resolved = KernelPaths.Resolve(path);
        return LinearCrossEntropyBlocked.Run(resolved, x, w, layout == WeightLayout.ClassesByInputs, bias, default, targets, soft: true,
            rows, features, classes, crossEntropy, classWeights, dW, dBias, dX, workspace, rowOutputs, options.Regularization, threads,
            options.GradientFilter);
    }

    private static void RequireApartFromTargets(ReadOnlySpan<float> targets, Span<float> dW, Span<float> dBias, Span<float> dX,
        Span<float> workspace, CrossEntropyRowOutputs ro)
    {
        Require.NoOverlap(targets, dW, nameof(targets), nameof(dW));
        Require.NoOverlap(targets, dBias, nameof(targets), nameof(dBias));
        Require.NoOverlap(targets, dX, nameof(targets), nameof(dX));
        Require.NoOverlap(targets, workspace, nameof(targets), nameof(workspace));
        Require.NoOverlap<float, float>(targets, ro.Losses, nameof(targets), "rowOutputs.Losses");
        Require.NoOverlap<float, float>(targets, ro.LogSumExp, nameof(targets), "rowOutputs.LogSumExp");
        Require.NoOverlap<float, int>(targets, ro.Argmax, nameof(targets), "rowOutputs.Argmax");
    }
}
