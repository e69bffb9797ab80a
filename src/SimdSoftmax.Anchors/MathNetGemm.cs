using MathNet.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;
using MnTranspose = MathNet.Numerics.Providers.LinearAlgebra.Transpose;

namespace SimdSoftmax.Anchors;

/// <summary>
/// The managed anchor: MathNet.Numerics' pure-C# linear-algebra provider (<c>Control.UseManaged()</c>),
/// the fastest SGEMM a .NET program gets without native code. Single-threaded (<c>Control.UseSingleThread()</c>), like
/// the other single-thread columns: its provider otherwise spreads large products over the thread pool, which a
/// calling-thread CPU clock would not see.
/// </summary>
public static class MathNetGemm
{
    private static readonly ILinearAlgebraProvider s_provider = CreateProvider();

    private static ILinearAlgebraProvider CreateProvider()
    {
        Control.UseManaged();
        Control.UseSingleThread();
        return LinearAlgebraControl.Provider;
    }

    /// <summary>
    /// Dense <c>C = A·B</c>, all row-major (m×k, k×n, m×n). MathNet is column-major, so this computes the
    /// column-major product Cᵀ = Bᵀ·Aᵀ, which is the same memory layout with no copies.
    /// </summary>
    /// <param name="a">A, m·k elements, row-major.</param>
    /// <param name="b">B, k·n elements, row-major.</param>
    /// <param name="c">C, m·n elements, overwritten.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <exception cref="ArgumentException">An array is shorter than its dimensions need.</exception>
    public static void Multiply(float[] a, float[] b, float[] c, int m, int n, int k)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        if ((long)m * k > a.Length || (long)k * n > b.Length || (long)m * n > c.Length)
            throw new ArgumentException("An array is too short for m, n, k.");
        // Column-major view: B is n×k (rows n), A is k×m, result n×m = row-major m×n C.
        s_provider.MatrixMultiplyWithUpdate(MnTranspose.DontTranspose, MnTranspose.DontTranspose, 1f,
            b, n, k, a, k, m, 0f, c);
    }

    /// <summary>
    /// <c>C = alpha·op(A)·op(B) + beta·C</c> for dense row-major operands (lda = stored columns), through the same
    /// column-major trick (the transposes carry over).
    /// </summary>
    /// <param name="transA">Whether A is stored transposed (k×m).</param>
    /// <param name="transB">Whether B is stored transposed (n×k).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, dense.</param>
    /// <param name="b">B, dense.</param>
    /// <param name="beta">Scale of the existing C.</param>
    /// <param name="c">C, dense m×n.</param>
    /// <exception cref="ArgumentException">An array is shorter than its dimensions need.</exception>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        if ((long)m * k > a.Length || (long)k * n > b.Length || (long)m * n > c.Length)
            throw new ArgumentException("An array is too short for m, n, k.");
        // Row-major op(A) m×k == column-major stored matrix with swapped dims; C^T = op(B)^T op(A)^T.
        // Stored B (row-major) seen column-major is B^T: rows = stored cols.
        int bRows = transB ? k : n, bCols = transB ? n : k;   // column-major dims of the stored B
        int aRows = transA ? m : k, aCols = transA ? k : m;
        s_provider.MatrixMultiplyWithUpdate(transB ? MnTranspose.Transpose : MnTranspose.DontTranspose,
            transA ? MnTranspose.Transpose : MnTranspose.DontTranspose, alpha,
            b, bRows, bCols, a, aRows, aCols, beta, c);
    }
}
