using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace SimdSoftmax;

public static partial class Gemm
{
    /// <summary><c>C = A·B</c> on 2-D tensor spans: A is m×k, B k×n, C m×n, each dense or with a row stride; A and B may also be transposed views.</summary>
    /// <param name="a">A, m×k: rows contiguous (column stride 1, any row stride ≥ k), or a transposed view of a row-major k×m
    /// matrix (row stride 1, column stride ≥ m), which runs as <see cref="Transpose.Yes"/> without a copy.</param>
    /// <param name="b">B, k×n: rows contiguous (column stride 1, any row stride ≥ n), or a transposed view (row stride 1, column stride ≥ k).</param>
    /// <param name="c">C, m×n with rows contiguous, overwritten (never read); must not overlap A or B. Elements between rows are never touched.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only, k = at most k threads; the result is bitwise the same for every value.</param>
    /// <exception cref="ArgumentException">A tensor span is not 2-D, has neither its rows nor (for A and B) its columns contiguous, has overlapping rows or columns, the inner or outer dimensions disagree, or C overlaps an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is negative.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static void Multiply(in ReadOnlyTensorSpan<float> a, in ReadOnlyTensorSpan<float> b, in TensorSpan<float> c,
        KernelPath path = KernelPath.Auto, int threads = 0)
    {
        ReadOnlySpan<float> sa = Operand(a, nameof(a), out int m, out int k, out int lda, out Transpose transA);
        ReadOnlySpan<float> sb = Operand(b, nameof(b), out int kb, out int n, out int ldb, out Transpose transB);
        Span<float> sc = TensorMatrix.Of(c, nameof(c), out int mc, out int nc, out int ldc);
        if (kb != k)
            throw new ArgumentException($"b is {kb}×{n} but a is {m}×{k}: b needs {k} rows.", nameof(b));
        if (mc != m || nc != n)
            throw new ArgumentException($"c is {mc}×{nc} but a·b is {m}×{n}.", nameof(c));
        Multiply(sa, lda, transA, sb, ldb, transB, sc, ldc, m, n, k, 1f, 0f, path, threads);
    }

    /// <summary>
    /// An input matrix of <paramref name="rows"/>×<paramref name="cols"/>: row-contiguous as <see cref="TensorMatrix"/>
    /// takes it, or (column stride ≠ 1 and row stride 1) the transpose of a row-major cols×rows matrix whose row stride is
    /// the view's column stride.
    /// </summary>
    private static ReadOnlySpan<float> Operand(in ReadOnlyTensorSpan<float> t, string name, out int rows, out int cols, out int ld, out Transpose trans)
    {
        if (t.Rank == 2 && t.Lengths[0] > 1 && t.Lengths[1] > 1 && t.Strides[1] != 1 && t.Strides[0] == 1
            && t.Lengths[0] <= int.MaxValue && t.Lengths[1] <= int.MaxValue)
        {
            rows = (int)t.Lengths[0];
            cols = (int)t.Lengths[1];
            nint stride = t.Strides[1];
            if (stride < rows || stride > int.MaxValue)
                throw new ArgumentException($"{name} is a transposed view with column stride {stride} for columns of {rows}; columns must not overlap (stride ≥ rows, within an int).", name);
            ld = (int)stride;
            trans = Transpose.Yes;
            long length = Require.MinimumLength(cols, rows, ld);
            if (length > int.MaxValue)
                throw new ArgumentException($"{name} spans {length} elements, more than a span can hold.", name);
            return MemoryMarshal.CreateReadOnlySpan(in t.GetPinnableReference(), (int)length);
        }
        trans = Transpose.No;
        return TensorMatrix.Of(t, name, out rows, out cols, out ld);
    }
}
