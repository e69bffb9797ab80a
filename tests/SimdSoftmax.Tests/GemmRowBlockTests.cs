namespace SimdSoftmax.Tests;

/// <summary>
/// <see cref="GemmRowBlock"/> (the row-block GEMM of LinearCrossEntropy, with its register-transposing B pack) gives the
/// bits of <see cref="Gemm.Run"/> on every shape, layout, stride, beta and thread count, and writes nothing past C.
/// </summary>
public class GemmRowBlockTests
{
    public static TheoryData<KernelPath, bool, bool> Cases()
    {
        var data = new TheoryData<KernelPath, bool, bool>();
        foreach (KernelPath path in new[] { KernelPath.Avx2, KernelPath.Avx512 })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    data.Add(path, ta, tb);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void SameBitsAsGemmRun(KernelPath path, bool ta, bool tb)
    {
        Paths.Require(path);
        // Depths around 8 (the transpose block) and KC = 512; columns around the NR of every tile (16, 32, 48, 64)
        // and the skinny limit; rows around MR and MC.
        int[] ms = [1, 7, 8, 9, 25, 130, 257, 300], ns = [16, 17, 23, 47, 48, 49, 97, 200], ks = [1, 7, 8, 9, 63, 520];
        var rng = new Random(17);
        foreach (int m in ms)
            foreach (int n in ns)
                foreach (int k in ks)
                {
                    int pad = rng.Next(3);
                    int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
                    float[] a = Data.Uniform((ta ? k : m) * lda, m * 31 + k), b = Data.Uniform((tb ? n : k) * ldb, n * 37 + k);
                    float[] c0 = Data.Uniform(m * ldc + 16, m + n);
                    float beta = (m + n + k) % 2 == 0 ? 0f : 1f;
                    float[] expected = (float[])c0.Clone();
                    Gemm.Run(path, ta, tb, m, n, k, 0.5f, a, lda, b, ldb, beta, expected.AsSpan(0, (m - 1) * ldc + n), ldc, 1);
                    foreach (int threads in new[] { 1, 2, 3 })
                    {
                        float[] c = (float[])c0.Clone();
                        GemmRowBlock.Run(path, ta, tb, m, n, k, 0.5f, a, lda, b, ldb, beta, c.AsSpan(0, (m - 1) * ldc + n), ldc, threads);
                        for (int i = 0; i < c.Length; i++)
                            if (BitConverter.SingleToInt32Bits(c[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                                Assert.Fail($"{path} ta={ta} tb={tb} m={m} n={n} k={k} beta={beta} threads={threads}: element {i} = {c[i]}, Gemm.Run {expected[i]}");
                    }
                }
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void AllocatesNothingOnOneThread(KernelPath path)
    {
        Paths.Require(path);
        float[] a = Data.Uniform(64 * 300, 1), b = Data.Uniform(100 * 300, 2), c = new float[64 * 100];
        GemmRowBlock.Run(path, false, true, 64, 100, 300, 1f, a, 300, b, 300, 0f, c, 100, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        GemmRowBlock.Run(path, false, true, 64, 100, 300, 1f, a, 300, b, 300, 0f, c, 100, 1);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
