namespace SimdSoftmax;

/// <summary>
/// Softmax cross-entropy on logits: <c>loss = mean_i (log Σ_j exp(s_ij) − s_i,y_i)</c>, computed stably
/// (log-sum-exp after subtracting the row maximum), and its gradient <c>(softmax(s) − onehot(y)) / N</c>.
/// </summary>
/// <remarks>
/// An empty batch (N = 0) has loss 0 and an empty gradient. Special values follow <see cref="Softmax"/>:
/// a true-class logit of −∞ gives loss +∞; +∞ or NaN in a row give NaN.
/// </remarks>
public static partial class SoftmaxCrossEntropy
{
    /// <summary>Mean cross-entropy loss of N rows of <paramref name="cols"/> logits against integer labels.</summary>
    /// <param name="logits">N×C scores, row-major, back to back: N = logits.Length / cols.</param>
    /// <param name="labels">The true class of each row, each in [0, C); exactly N long.</param>
    /// <param name="cols">C, the number of classes (row length); at least 1 when there are rows (no rows allows any cols ≥ 0).</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <returns>The mean loss over the rows (accumulated in double).</returns>
    /// <exception cref="ArgumentOutOfRangeException">cols is negative (or 0 with rows), or a label is outside [0, C).</exception>
    /// <exception cref="ArgumentException">logits is not a whole number of rows, or labels is not one per row.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float Loss(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int cols, KernelPath path = KernelPath.Auto)
    {
        Validate(logits, labels, cols);
        return KernelPaths.Resolve(path) switch
        {
            KernelPath.Avx512 => RunSimd<Avx512Isa>(logits, labels, cols, default, gradient: false),
            KernelPath.Avx2 => RunSimd<Avx2Isa>(logits, labels, cols, default, gradient: false),
            _ => SoftmaxCrossEntropyScalar.Run(logits, labels, cols, default, gradient: false),
        };
    }

    /// <summary>Mean cross-entropy loss and its gradient with respect to the logits, in one pass over each row.</summary>
    /// <param name="logits">N×C scores, row-major, back to back: N = logits.Length / cols.</param>
    /// <param name="labels">The true class of each row, each in [0, C); exactly N long.</param>
    /// <param name="dLogits">Output N×C: <c>(softmax(s) − onehot(y)) / N</c>. May be <paramref name="logits"/> itself (in place); must not otherwise overlap it.</param>
    /// <param name="cols">C, the number of classes (row length); at least 1 when there are rows (no rows allows any cols ≥ 0).</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <returns>The mean loss over the rows.</returns>
    /// <exception cref="ArgumentOutOfRangeException">cols is negative (or 0 with rows), or a label is outside [0, C).</exception>
    /// <exception cref="ArgumentException">A length does not fit, dLogits partly overlaps logits, or dLogits overlaps labels.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> dLogits,
        int cols, KernelPath path = KernelPath.Auto)
    {
        Validate(logits, labels, cols);
        Require.Length(dLogits.Length, logits.Length, nameof(dLogits));
        Require.SameOrNoOverlap(logits, dLogits, nameof(logits), nameof(dLogits));
        Require.NoOverlap(labels, dLogits, nameof(labels), nameof(dLogits)); // writing row i would clobber labels not yet read
        return KernelPaths.Resolve(path) switch
        {
            KernelPath.Avx512 => RunSimd<Avx512Isa>(logits, labels, cols, dLogits, gradient: true),
            KernelPath.Avx2 => RunSimd<Avx2Isa>(logits, labels, cols, dLogits, gradient: true),
            _ => SoftmaxCrossEntropyScalar.Run(logits, labels, cols, dLogits, gradient: true),
        };
    }

    /// <summary>The SIMD paths on validated arguments: Σ row losses in double, then the mean.</summary>
    private static unsafe float RunSimd<TIsa>(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes,
        Span<float> dLogits, bool gradient) where TIsa : struct, IFusedClassifierKernels
    {
        int n = labels.Length;
        if (n == 0) return 0f;
        fixed (float* s = logits)
        fixed (int* y = labels)
        fixed (float* g = dLogits)
        {
            double total = TIsa.CrossEntropyRows(s, y, n, classes, classes, gradient ? g : null, classes, (float)(1.0 / n));
            return (float)(total / n);
        }
    }

    /// <summary>
    /// The fused kernels on raw rows (row strides <paramref name="ld"/> and <paramref name="ldg"/>): Σ row losses, and
    /// <c>(p − onehot)·scale</c> into <paramref name="g"/> when it is not null (it may be <paramref name="s"/>).
    /// For the composed classifier, which carries a resolved SIMD path rather than an ISA type.
    /// </summary>
    internal static unsafe double Rows(KernelPath path, float* s, int* labels, int rows, int classes, int ld, float* g, int ldg, float scale) =>
        path == KernelPath.Avx512
            ? Avx512Isa.CrossEntropyRows(s, labels, rows, classes, ld, g, ldg, scale)
            : Avx2Isa.CrossEntropyRows(s, labels, rows, classes, ld, g, ldg, scale);

    private static void Validate(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int cols)
    {
        int rows = RowCount(logits, cols, nameof(logits), labels.Length);
        Require.Length(labels.Length, rows, nameof(labels));
        Require.Labels(labels, cols, nameof(labels));
    }

    /// <summary>
    /// Rows of a dense row-major span of <paramref name="cols"/> columns (its length must be a whole number of rows).
    /// With cols = 0 the span must be empty and <paramref name="expectedRows"/> (the labels' count) must be 0: a
    /// row needs a column.
    /// </summary>
    internal static int RowCount(ReadOnlySpan<float> matrix, int cols, string name, int expectedRows)
    {
        Require.NonNegative(cols);
        if (cols == 0)
        {
            if (expectedRows > 0)
                throw new ArgumentOutOfRangeException(nameof(cols), cols, "There must be at least one class when there are rows.");
            Require.Length(matrix.Length, 0, name);
            return 0;
        }
        if (matrix.Length % cols != 0)
            throw new ArgumentException($"{name} holds {matrix.Length} elements, not a whole number of rows of {cols}.", name);
        return matrix.Length / cols;
    }
}
