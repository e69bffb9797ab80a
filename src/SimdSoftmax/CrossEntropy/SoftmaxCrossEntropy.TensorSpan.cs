using System.Numerics.Tensors;

namespace SimdSoftmax;

public static partial class SoftmaxCrossEntropy
{
    /// <summary>Mean cross-entropy loss of a 2-D tensor span of logits (rows × classes, dense or with a row stride) against integer labels.</summary>
    /// <param name="logits">N × C scores; each row contiguous (column stride 1), any row stride ≥ C.</param>
    /// <param name="labels">The true class of each row, each in [0, C); exactly N long.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only, k = at most k threads; the result is bitwise the same for every value.</param>
    /// <returns>The mean loss over the rows (0 for no rows).</returns>
    /// <exception cref="ArgumentException">logits is not 2-D, has a column stride other than 1 or overlapping rows, or labels is not N long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">C is 0 with rows, a label is outside [0, C), or threads is negative.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float Loss(in ReadOnlyTensorSpan<float> logits, ReadOnlySpan<int> labels, KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ReadOnlySpan<float> s = TensorMatrix.Of(logits, nameof(logits), out int rows, out int cols, out int ld);
        return Loss(s, ld, labels, rows, cols, path, threads);
    }

    /// <summary>Mean cross-entropy loss and its gradient <c>(softmax(s) − onehot(y)) / N</c> on 2-D tensor spans.</summary>
    /// <param name="logits">N × C scores; each row contiguous (column stride 1), any row stride ≥ C.</param>
    /// <param name="labels">The true class of each row, each in [0, C); exactly N long; must not overlap dLogits.</param>
    /// <param name="dLogits">Output gradient, N × C; may be logits itself (same memory and strides), must not otherwise overlap it.
    /// Elements between rows are never touched.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only, k = at most k threads; the result is bitwise the same for every value.</param>
    /// <returns>The mean loss over the rows (0 for no rows).</returns>
    /// <exception cref="ArgumentException">A tensor span is not 2-D, has a column stride other than 1 or overlapping rows, the shapes differ, labels is not N long, or an output overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">C is 0 with rows, a label is outside [0, C), or threads is negative.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(in ReadOnlyTensorSpan<float> logits, ReadOnlySpan<int> labels, in TensorSpan<float> dLogits,
        KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ReadOnlySpan<float> s = TensorMatrix.Of(logits, nameof(logits), out int rows, out int cols, out int ld);
        Span<float> g = TensorMatrix.Of(dLogits, nameof(dLogits), out int gRows, out int gCols, out int ldg);
        if (gRows != rows || gCols != cols)
            throw new ArgumentException($"dLogits is {gRows}×{gCols} but logits is {rows}×{cols}.", nameof(dLogits));
        return LossAndGradient(s, ld, labels, g, ldg, rows, cols, path, threads);
    }
}
