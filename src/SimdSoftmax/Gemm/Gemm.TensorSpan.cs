using System.Numerics.Tensors;

namespace SimdSoftmax;

public static partial class Gemm
{
    /// <summary><c>C = A·B</c> on 2-D tensor spans: A is m×k, B k×n, C m×n, each dense or with a row stride.</summary>
    /// <param name="a">A, m×k; each row contiguous (column stride 1), any row stride ≥ k.</param>
    /// <param name="b">B, k×n; each row contiguous, any row stride ≥ n.</param>
    /// <param name="c">C, m×n, overwritten (never read); must not overlap A or B. Elements between rows are never touched.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only, k = at most k threads; the result is bitwise the same for every value.</param>
    /// <exception cref="ArgumentException">A tensor span is not 2-D, has a column stride other than 1 or overlapping rows, the inner or outer dimensions disagree, or C overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is negative.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static void Multiply(in ReadOnlyTensorSpan<float> a, in ReadOnlyTensorSpan<float> b, in TensorSpan<float> c,
        KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ReadOnlySpan<float> sa = TensorMatrix.Of(a, nameof(a), out int m, out int k, out int lda);
        ReadOnlySpan<float> sb = TensorMatrix.Of(b, nameof(b), out int kb, out int n, out int ldb);
        Span<float> sc = TensorMatrix.Of(c, nameof(c), out int mc, out int nc, out int ldc);
        if (kb != k)
            throw new ArgumentException($"b is {kb}×{n} but a is {m}×{k}: b needs {k} rows.", nameof(b));
        if (mc != m || nc != n)
            throw new ArgumentException($"c is {mc}×{nc} but a·b is {m}×{n}.", nameof(c));
        Multiply(Transpose.No, Transpose.No, m, n, k, 1f, sa, lda, sb, ldb, 0f, sc, ldc, path, threads);
    }
}
