namespace SimdSoftmax;

/// <summary>
/// Single-precision general matrix multiply, row-major, with BLAS semantics:
/// <c>C = alpha·op(A)·op(B) + beta·C</c>.
/// </summary>
public static partial class Gemm
{
    /// <summary>
    /// <c>C = alpha·op(A)·op(B) + beta·C</c> where op(A) is m×k and op(B) is k×n, all row-major (BLAS's <c>sgemm</c>,
    /// its arguments in the library's order: each input followed by its stride and transpose, the output and its stride,
    /// the sizes, then the scalars).
    /// </summary>
    /// <param name="a">A, row-major, row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A: at least the number of stored columns (k, or m when transposed), and at least 1.</param>
    /// <param name="transA">Whether A is stored as m×k (<see cref="Transpose.No"/>) or k×m (<see cref="Transpose.Yes"/>).</param>
    /// <param name="b">B, row-major, row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B: at least n (or k when transposed), and at least 1.</param>
    /// <param name="transB">Whether B is stored as k×n (<see cref="Transpose.No"/>) or n×k (<see cref="Transpose.Yes"/>).</param>
    /// <param name="c">C, m×n, row stride <paramref name="ldc"/>; must not overlap A or B.</param>
    /// <param name="ldc">Row stride of C: at least max(1, n).</param>
    /// <param name="m">Rows of op(A) and of C.</param>
    /// <param name="n">Columns of op(B) and of C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product (1 by default). When 0 (or k = 0), A and B are not read: <c>C = beta·C</c>.</param>
    /// <param name="beta">Scale of the existing C (0 by default). When 0, C is overwritten and never read (NaN in C does not propagate).</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">
    /// Degree of parallelism: 0 (default) = automatic (one thread below 2·160³ flops, every core above); 1 = the calling thread only (allocates nothing); n &gt; 1 = up to n threads. C is split into disjoint
    /// slabs and k is never split, so the result is bitwise identical whatever the thread count.
    /// The scalar path always runs on one thread.
    /// </param>
    /// <remarks>
    /// Each span must hold at least the BLAS minimum, (rows − 1)·ld + cols elements: the last row need not be padded to the
    /// stride, and no element past it is ever read or written.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, a stride is too small, a size overflows, an enum value is undefined, or <paramref name="threads"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span is too short for its dimensions and stride, or <paramref name="c"/> overlaps an input.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static void Multiply(ReadOnlySpan<float> a, int lda, Transpose transA, ReadOnlySpan<float> b, int ldb, Transpose transB,
        Span<float> c, int ldc, int m, int n, int k, float alpha = 1f, float beta = 0f, KernelPath path = KernelPath.Auto, int threads = 0)
    {
        if (transA is not (Transpose.No or Transpose.Yes)) throw new ArgumentOutOfRangeException(nameof(transA), transA, "Not a defined Transpose value.");
        if (transB is not (Transpose.No or Transpose.Yes)) throw new ArgumentOutOfRangeException(nameof(transB), transB, "Not a defined Transpose value.");
        Require.NonNegative(m);
        Require.NonNegative(n);
        Require.NonNegative(k);
        Require.NonNegative(threads);
        bool ta = transA == Transpose.Yes, tb = transB == Transpose.Yes;
        Require.Matrix(a.Length, ta ? k : m, ta ? m : k, lda, nameof(a), nameof(lda));
        Require.Matrix(b.Length, tb ? n : k, tb ? k : n, ldb, nameof(b), nameof(ldb));
        Require.Matrix(c.Length, m, n, ldc, nameof(c), nameof(ldc));
        Require.NoOverlap(a, c, nameof(a), nameof(c));
        Require.NoOverlap(b, c, nameof(b), nameof(c));
        KernelPath resolved = KernelPaths.Resolve(path);
        Run(resolved, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
    }

    /// <summary><c>C = A·B</c> for dense row-major A (m×k), B (k×n) and C (m×n).</summary>
    /// <param name="a">A, exactly m·k elements.</param>
    /// <param name="b">B, exactly k·n elements.</param>
    /// <param name="c">C, exactly m·n elements, overwritten; must not overlap A or B.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="k">Columns of A, rows of B.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">Degree of parallelism: 0 = automatic, 1 = calling thread only, n = up to n threads; the result is bitwise identical whatever the count.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension or <paramref name="threads"/> is negative, or a size overflows.</exception>
    /// <exception cref="ArgumentException">A span's length is not the product of its dimensions, or <paramref name="c"/> overlaps an input.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        KernelPath path = KernelPath.Auto, int threads = 0)
    {
        Require.NonNegative(m);
        Require.NonNegative(n);
        Require.NonNegative(k);
        Require.NonNegative(threads);
        Require.Length(a.Length, Require.Product(m, k, nameof(k)), nameof(a));
        Require.Length(b.Length, Require.Product(k, n, nameof(n)), nameof(b));
        Require.Length(c.Length, Require.Product(m, n, nameof(n)), nameof(c));
        Require.NoOverlap(a, c, nameof(a), nameof(c));
        Require.NoOverlap(b, c, nameof(b), nameof(c));
        KernelPath resolved = KernelPaths.Resolve(path);
        Run(resolved, false, false, m, n, k, 1f, a, Math.Max(1, k), b, Math.Max(1, n), 0f, c, Math.Max(1, n), threads);
    }

    /// <summary>
    /// Runs a validated call on a resolved path: the one place the GEMM picks its ISA type. Internal callers (the
    /// classifier) enter here. <paramref name="threads"/>: 1 (default) = calling thread only, allocation-free;
    /// 0 = automatic; n = up to n.
    /// </summary>
    internal static void Run(KernelPath path, bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int threads = 1)
    {
        switch (path)
        {
            case KernelPath.Scalar:
                GemmScalar.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                return;
            case KernelPath.Avx2:
                RunSimd<Avx2Isa>(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
                return;
            case KernelPath.Avx512:
                RunSimd<Avx512Isa>(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
                return;
            default:
                throw new PlatformNotSupportedException($"Gemm has no {path} kernel.");
        }
    }

    private static unsafe void RunSimd<TIsa>(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int threads)
        where TIsa : IGemmIsa
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            GemmScalar.ScaleC(m, n, beta, c, ldc);
            return;
        }
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            GemmSimd<TIsa>.Multiply(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, threads);
        }
    }
}
