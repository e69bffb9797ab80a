using System.Numerics.Tensors;
using SimdSoftmax.Tests.Properties;

namespace SimdSoftmax.Tests;

/// <summary>
/// <c>Gemm.Multiply</c> on tensor spans takes a transposed 2-D view of A or B (row stride 1, column stride ld ≥ rows:
/// a row-major matrix read as its transpose) and runs it as <see cref="Transpose.Yes"/> on the stored matrix, so it
/// gives the span overload's bits exactly; a view with neither rows nor columns contiguous is refused naming it.
/// </summary>
public class GemmTensorSpanTests
{
    public static TheoryData<KernelPath, bool, bool> Cases()
    {
        var d = new TheoryData<KernelPath, bool, bool>();
        foreach (KernelPath path in new[] { KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    d.Add(path, ta, tb);
        return d;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void A_transposed_view_runs_as_transpose_yes(KernelPath path, bool ta, bool tb)
    {
        Paths.Require(path);
        const int m = 37, n = 45, k = 29, pad = 3;
        // Stored matrices: A is m×k (or k×m when read transposed), B k×n (or n×k), each row padded by `pad`.
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + pad, ldb = bCols + pad;
        float[] a = Data.Uniform((aRows - 1) * lda + aCols, 1), b = Data.Uniform((bRows - 1) * ldb + bCols, 2);
        var av = ta
            ? new ReadOnlyTensorSpan<float>(a, [m, k], [1, lda])   // element (i, p) at p·lda + i
            : new ReadOnlyTensorSpan<float>(a, [m, k], [lda, 1]);
        var bv = tb
            ? new ReadOnlyTensorSpan<float>(b, [k, n], [1, ldb])
            : new ReadOnlyTensorSpan<float>(b, [k, n], [ldb, 1]);
        float[] c = Data.Filled(m * n, float.NaN), expected = new float[m * n];
        Gemm.Multiply(av, bv, new TensorSpan<float>(c, [m, n], [n, 1]), path, threads: 1);
        Gemm.Multiply(a, lda, ta ? Transpose.Yes : Transpose.No, b, ldb, tb ? Transpose.Yes : Transpose.No, expected, n, m, n, k, path: path, threads: 1);
        Canary.BitwiseEqual(expected, c, $"tensor view ta={ta} tb={tb} on {path}");

        // And the value: a double-precision product of the views' elements.
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double t = (double)(ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
                    sum += t;
                    mag += Math.Abs(t);
                }
                Assert.True(Math.Abs(c[i * n + j] - sum) <= 4 * k * 6e-8 * mag + 1e-30, $"c[{i},{j}] = {c[i * n + j]}, expected {sum}");
            }
    }

    [Fact]
    public void A_view_with_neither_rows_nor_columns_contiguous_is_refused()
    {
        float[] a = new float[64], b = new float[16], c = new float[16];
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Gemm.Multiply(new ReadOnlyTensorSpan<float>(a, [4, 4], [8, 2]),
            new ReadOnlyTensorSpan<float>(b, [4, 4], [4, 1]), new TensorSpan<float>(c, [4, 4], [4, 1]))).ParamName);
        // The output must have contiguous rows: a transposed C is refused.
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => Gemm.Multiply(new ReadOnlyTensorSpan<float>(a, [4, 4], [4, 1]),
            new ReadOnlyTensorSpan<float>(b, [4, 4], [4, 1]), new TensorSpan<float>(c, [4, 4], [1, 4]))).ParamName);
    }
}
