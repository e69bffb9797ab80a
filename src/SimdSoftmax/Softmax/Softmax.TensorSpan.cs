using System.Numerics.Tensors;

namespace SimdSoftmax;

public static partial class Softmax
{
    /// <summary>Softmax of each row of a 2-D tensor span (rows × cols, dense or with a row stride).</summary>
    /// <param name="x">rows × cols input; each row contiguous (column stride 1), any row stride ≥ cols.</param>
    /// <param name="y">Output of the same shape; may be x itself (same memory and strides), must not otherwise overlap it.
    /// Elements between rows (the stride's padding) are never touched.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only, k = at most k threads; the result is bitwise the same for every value.</param>
    /// <exception cref="ArgumentException">x or y is not 2-D, has a column stride other than 1 or overlapping rows, the shapes differ, or y partly overlaps x.</exception>
    /// <exception cref="ArgumentOutOfRangeException">cols is 0 with rows, or threads is negative.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static void Rows(in ReadOnlyTensorSpan<float> x, in TensorSpan<float> y, KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ReadOnlySpan<float> xs = TensorMatrix.Of(x, nameof(x), out int rows, out int cols, out int ldx);
        Span<float> ys = TensorMatrix.Of(y, nameof(y), out int yRows, out int yCols, out int ldy);
        SameShape(rows, cols, yRows, yCols);
        RunStrided(xs, ldx, ys, ldy, rows, cols, path, threads, log: false);
    }

    /// <summary>Log-softmax of each row of a 2-D tensor span (rows × cols, dense or with a row stride).</summary>
    /// <param name="x">rows × cols input; each row contiguous (column stride 1), any row stride ≥ cols.</param>
    /// <param name="y">Output of the same shape; may be x itself (same memory and strides), must not otherwise overlap it.
    /// Elements between rows (the stride's padding) are never touched.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only, k = at most k threads; the result is bitwise the same for every value.</param>
    /// <exception cref="ArgumentException">x or y is not 2-D, has a column stride other than 1 or overlapping rows, the shapes differ, or y partly overlaps x.</exception>
    /// <exception cref="ArgumentOutOfRangeException">cols is 0 with rows, or threads is negative.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static void LogRows(in ReadOnlyTensorSpan<float> x, in TensorSpan<float> y, KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ReadOnlySpan<float> xs = TensorMatrix.Of(x, nameof(x), out int rows, out int cols, out int ldx);
        Span<float> ys = TensorMatrix.Of(y, nameof(y), out int yRows, out int yCols, out int ldy);
        SameShape(rows, cols, yRows, yCols);
        RunStrided(xs, ldx, ys, ldy, rows, cols, path, threads, log: true);
    }

    private static void SameShape(int rows, int cols, int yRows, int yCols)
    {
        if (yRows != rows || yCols != cols)
            throw new ArgumentException($"y is {yRows}×{yCols} but x is {rows}×{cols}.", "y");
    }
}
