namespace SimdSoftmax;

/// <summary>
/// The multiclass SVM (hinge) loss on scores (CS231n's <c>svm_loss</c>, Weston–Watkins form, margin Δ = 1):
/// <c>loss = mean_i Σ_{j≠y_i} max(0, s_ij − s_i,y_i + 1)</c>, and its (sub)gradient with respect to the scores:
/// <c>1/N</c> for every class whose margin is positive, <c>−count_i/N</c> for the true class, 0 elsewhere.
/// </summary>
/// <remarks>
/// <para>At a margin of exactly 0 the hinge has a kink; like the course's code, the gradient takes 0 there.</para>
/// <para>Special values: a score of +∞ in a wrong class gives loss +∞ (gradient 1/N there); a true-class score of +∞
/// with finite others gives that row loss 0; −∞ for the true class gives +∞. NaN anywhere in a row, or ∞ − ∞ (the true
/// class and another class both +∞ or both −∞), gives a NaN margin: the loss is NaN and that margin's gradient entry 0
/// (it is not counted as positive). An empty batch (N = 0) has loss 0.</para>
/// <para>Unlike softmax cross-entropy, the loss is exactly 0 once every wrong class is at least 1 below the true
/// class: scores [10, −10, −10] and [10, 9, 9] with true class 0 both give 0, where cross-entropy gives 0.00 and 0.55.</para>
/// </remarks>
public static class MulticlassSvm
{
    /// <summary>The margin Δ every wrong class must stay below the true class by.</summary>
    public const float Margin = 1f;

    /// <summary>Mean hinge loss of N rows of <paramref name="cols"/> scores against integer labels.</summary>
    /// <param name="scores">N×C scores, row-major, back to back: N = scores.Length / cols.</param>
    /// <param name="labels">The true class of each row, each in [0, C); exactly N long.</param>
    /// <param name="cols">C, the number of classes (row length); at least 1 when there are rows.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <returns>The mean loss over the rows (rows accumulated in double).</returns>
    /// <exception cref="ArgumentOutOfRangeException">cols is negative (or 0 with rows), or a label is outside [0, C).</exception>
    /// <exception cref="ArgumentException">scores is not a whole number of rows, or labels is not one per row.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float Loss(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int cols, KernelPath path = KernelPath.Auto)
    {
        Validate(scores, labels, cols);
        return Run(scores, labels, cols, default, gradient: false, KernelPaths.Resolve(path));
    }

    /// <summary>Mean hinge loss and its gradient with respect to the scores, in one pass over each row.</summary>
    /// <param name="scores">N×C scores, row-major, back to back: N = scores.Length / cols.</param>
    /// <param name="labels">The true class of each row, each in [0, C); exactly N long.</param>
    /// <param name="dScores">Output N×C gradient (see the class remarks). May be <paramref name="scores"/> itself (in place); must not otherwise overlap it, nor overlap labels.</param>
    /// <param name="cols">C, the number of classes (row length); at least 1 when there are rows.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <returns>The mean loss over the rows.</returns>
    /// <exception cref="ArgumentOutOfRangeException">cols is negative (or 0 with rows), or a label is outside [0, C).</exception>
    /// <exception cref="ArgumentException">A length does not fit, dScores partly overlaps scores, or dScores overlaps labels.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, Span<float> dScores,
        int cols, KernelPath path = KernelPath.Auto)
    {
        Validate(scores, labels, cols);
        Require.Length(dScores.Length, scores.Length, nameof(dScores));
        Require.SameOrNoOverlap(scores, dScores, nameof(scores), nameof(dScores));
        Require.NoOverlap(labels, dScores, nameof(labels), nameof(dScores));
        return Run(scores, labels, cols, dScores, gradient: true, KernelPaths.Resolve(path));
    }

    private static float Run(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int classes, Span<float> dScores, bool gradient, KernelPath path) => path switch
    {
        KernelPath.Avx512 => Simd<Avx512Isa>(scores, labels, classes, dScores, gradient),
        KernelPath.Avx2 => Simd<Avx2Isa>(scores, labels, classes, dScores, gradient),
        _ => SvmScalar.Logits(scores, labels, classes, dScores, gradient),
    };

    private static unsafe float Simd<TIsa>(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int classes, Span<float> dScores, bool gradient)
        where TIsa : struct, ISvmIsa
    {
        int n = labels.Length;
        if (n == 0) return 0f;
        fixed (float* s = scores)
        fixed (int* y = labels)
        fixed (float* g = dScores)
            return (float)(Rows<TIsa>(s, y, n, classes, classes, gradient ? g : null, classes, (float)(1.0 / n)) / n);
    }

    /// <summary>
    /// The hinge over raw rows (strides <paramref name="ld"/>, <paramref name="ldg"/>): Σ of the row losses, and the
    /// gradient times <paramref name="scale"/> into <paramref name="g"/> when it is not null (it may be <paramref name="s"/>).
    /// The classifier's drivers call this on their blocks of scores.
    /// </summary>
    internal static unsafe double Rows<TIsa>(float* s, int* labels, int rows, int classes, int ld, float* g, int ldg, float scale)
        where TIsa : struct, ISvmIsa =>
        TIsa.HingeRows(s, labels, rows, classes, ld, g, ldg, scale);

    private static void Validate(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int cols)
    {
        int rows = SoftmaxCrossEntropy.RowCount(scores, cols, nameof(scores), labels.Length);
        Require.Length(labels.Length, rows, nameof(labels));
        Require.Labels(labels, cols, nameof(labels));
    }
}
