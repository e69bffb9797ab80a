namespace SimdSoftmax.Tests;

/// <summary>GEMM on every path against a double triple loop: transposes, alpha/beta, strided views, special values.</summary>
public class GemmTests
{
    internal static void CheckOne(KernelPath path, bool ta, bool tb, int m, int n, int k, float alpha, float beta,
        int padA, int padB, int padC, int seed, bool nanInC = false)
    {
        int lda = (ta ? m : k) + padA, ldb = (tb ? k : n) + padB, ldc = n + padC;
        lda = Math.Max(lda, 1); ldb = Math.Max(ldb, 1); ldc = Math.Max(ldc, 1);
        int rowsA = ta ? k : m, rowsB = tb ? n : k;
        // Exactly the BLAS minimum: the last row holds only its columns, not a full stride.
        float[] a = Data.Uniform((int)Math.Max(0, (long)(rowsA - 1) * lda + (ta ? m : k)) * (rowsA > 0 ? 1 : 0), seed);
        float[] b = Data.Uniform((int)Math.Max(0, (long)(rowsB - 1) * ldb + (tb ? k : n)) * (rowsB > 0 ? 1 : 0), seed + 1);
        int cLen = m == 0 ? 0 : (m - 1) * ldc + n;
        float[] c = nanInC ? Data.Filled(cLen, float.NaN) : Data.Uniform(cLen, seed + 2);
        double[] expected = DoubleReference.Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        float[] before = (float[])c.Clone();
        Gemm.Multiply(a, lda, ta ? Transpose.Yes : Transpose.No, b, ldb, tb ? Transpose.Yes : Transpose.No, c, ldc, m, n, k, alpha, beta, path);
        // Tolerance scaled by k: float accumulation error grows with the dot-product length.
        double tol = 1e-6 * (k + 4);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double e = expected[i * n + j], got = c[i * ldc + j];
                Assert.True(Math.Abs(got - e) <= tol * (1 + Math.Abs(e)),
                    $"{path} ta={ta} tb={tb} m={m} n={n} k={k} alpha={alpha} beta={beta}: C[{i},{j}] = {got}, expected {e}");
            }
            if (i < m - 1)
                for (int j = n; j < ldc; j++)
                    Assert.True(before[i * ldc + j].Equals(c[i * ldc + j]), $"padding C[{i},{j}] was written");
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Transposes_alpha_beta_and_strides(KernelPath path)
    {
        Paths.Require(path);
        int seed = 0;
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 5, 7), (6, 16, 8), (7, 17, 33), (13, 9, 2), (32, 48, 64) })
                    foreach (float alpha in new[] { 1f, -0.5f, 0f })
                        foreach (float beta in new[] { 0f, 1f, 0.25f })
                            CheckOne(path, ta, tb, m, n, k, alpha, beta, padA: seed % 3, padB: (seed + 1) % 4, padC: seed % 2 * 3, seed: ++seed);
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Beta_zero_overwrites_NaN_and_alpha_zero_does_not_read_A_or_B(KernelPath path)
    {
        Paths.Require(path);
        CheckOne(path, false, false, 9, 21, 5, 1f, 0f, 0, 0, 0, 5, nanInC: true);
        float[] a = Data.Filled(6, float.NaN), b = Data.Filled(6, float.NaN), c = Data.Filled(4, 2f);
        Gemm.Multiply(a, 3, Transpose.No, b, 2, Transpose.No, c, 2, 2, 2, 3, 0f, 0.5f, path);
        Assert.All(c, v => Assert.Equal(1f, v));
        Gemm.Multiply([], 1, Transpose.No, [], 2, Transpose.No, c, 2, 2, 2, 0, 1f, 0f, path);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Empty_dimensions(KernelPath path)
    {
        Paths.Require(path);
        foreach (var (m, n, k) in new[] { (0, 0, 0), (0, 3, 2), (3, 0, 2), (0, 0, 5) })
            CheckOne(path, false, false, m, n, k, 1f, 0.5f, 0, 0, 0, 1);
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Dense_overload(KernelPath path)
    {
        Paths.Require(path);
        float[] a = Data.Uniform(5 * 7, 1), b = Data.Uniform(7 * 3, 2), c = Data.Filled(15, float.NaN);
        Gemm.Multiply(a, b, c, 5, 3, 7, path);
        Compare.Close(DoubleReference.Gemm(false, false, 5, 3, 7, 1, a, 7, b, 3, 0, c, 3), c, 1e-5, 1e-6, "C");
    }
}
