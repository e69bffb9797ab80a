namespace SimdSoftmax.Tests;

/// <summary>
/// <see cref="GemmRowBlockStreamedW"/> (dX = dS·op(W) of a row block as dXᵀ = op(W)ᵀ·dSᵀ, W read in place) gives the
/// bits <see cref="GemmRowBlock.Run"/> gives dX, for W stored D×C and C×D, every part count, and writes only dX's
/// rows × features.
/// </summary>
public unsafe class GemmRowBlockStreamedWTests
{
    [SkippableTheory]
    [MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void SameBitsAsRowBlockGemm(KernelPath path)
    {
        Paths.Require(path);
        // Rows around NR (16, 32) and past two panels; features around MR (4, 8), the skinny limit and odd; classes
        // around KC = 512 and the 8-deep transpose block.
        int[] rs = [16, 17, 32, 33, 64, 70], ds = [17, 23, 24, 25, 100], cs = [1, 7, 9, 511, 513, 1100];
        foreach (bool classesByInputs in new[] { false, true })
            foreach (int r in rs)
                foreach (int d in ds)
                    foreach (int c in cs)
                    {
                        if (!GemmRowBlockStreamedW.Applies(path, r, d, c)) continue;
                        int ldw = (classesByInputs ? d : c) + 3, ldds = c + 1, lddx = d + 2;
                        float[] w = Data.Uniform((classesByInputs ? c : d) * ldw, r * 7 + d), ds_ = Data.Uniform(r * ldds, c * 5 + d);
                        float[] expected = Data.Uniform(r * lddx + 8, 99);
                        float[] sentinel = (float[])expected.Clone();
                        // The unswapped multiply: dX = dS·Wᵀ with W stored D×C is op(B) = Wᵀ, stored C×D op(B) = W.
                        GemmRowBlock.Run(path, false, !classesByInputs, r, d, c, 1f, ds_, ldds, w, ldw, 0f,
                            expected.AsSpan(0, (r - 1) * lddx + d), lddx, 1);
                        foreach (int maxParts in new[] { 1, 2, 3 })
                        {
                            float[] dx = (float[])sentinel.Clone();
                            int parts = GemmRowBlockStreamedW.Parts(path, d, maxParts);
                            Assert.InRange(parts, 1, maxParts);
                            fixed (float* pw = w)
                            fixed (float* pds = ds_)
                            fixed (float* pdx = dx)
                                for (int part = parts - 1; part >= 0; part--)
                                    GemmRowBlockStreamedW.RunPart(path, r, d, c, pds, ldds, pw, classesByInputs ? 1 : ldw, classesByInputs ? ldw : 1,
                                        pdx, lddx, part, maxParts);
                            for (int i = 0; i < dx.Length; i++)
                            {
                                bool inside = i < r * lddx && i % lddx < d;
                                float want = inside ? expected[i] : sentinel[i];
                                if (BitConverter.SingleToInt32Bits(dx[i]) != BitConverter.SingleToInt32Bits(want))
                                    Assert.Fail($"{path} classesByInputs={classesByInputs} r={r} d={d} c={c} parts={parts}: element {i} = {dx[i]}, expected {want}");
                            }
                        }
                    }
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void AllocatesNothingOnOneThread(KernelPath path)
    {
        Paths.Require(path);
        float[] w = Data.Uniform(100 * 600, 1), ds = Data.Uniform(64 * 600, 2), dx = new float[64 * 100];
        fixed (float* pw = w)
        fixed (float* pds = ds)
        fixed (float* pdx = dx)
        {
            GemmRowBlockStreamedW.RunPart(path, 64, 100, 600, pds, 600, pw, 600, 1, pdx, 100, 0, 1);
            long before = GC.GetAllocatedBytesForCurrentThread();
            GemmRowBlockStreamedW.RunPart(path, 64, 100, 600, pds, 600, pw, 600, 1, pdx, 100, 0, 1);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
