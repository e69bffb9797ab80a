using System.Runtime.Intrinsics;

namespace SimdSoftmax.Tests;

/// <summary>
/// The cross-entropy row pipeline (<see cref="CrossEntropyLongRow{T, V}.Rows"/>) promises the per-row kernel's bits:
/// loss summed in row order, gradient, in place and out, with row strides, for lengths around the vector and
/// pair-of-vector edges and long rows, including special values.
/// </summary>
public unsafe class CrossEntropyPipelineTests
{
    public static TheoryData<KernelPath> Simd => [KernelPath.Avx2, KernelPath.Avx512];

    [SkippableTheory, MemberData(nameof(Simd))]
    public void The_pipeline_gives_the_per_row_bits(KernelPath path)
    {
        Paths.Require(path);
        var rng = new Random(11);
        foreach (int c in new[] { 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 129, 1000 })
            foreach (int rows in new[] { 1, 2, 3, 5 })
                foreach (bool special in new[] { false, true })
                {
                    int ld = c + rows % 3, ldg = c + 2 * (rows % 2);
                    float[] s = new float[(rows - 1) * ld + c];
                    for (int i = 0; i < s.Length; i++) s[i] = (float)(rng.NextDouble() * 40 - 20);
                    if (special && rows > 1)
                    {
                        s[ld + rng.Next(c)] = float.NaN;
                        if (rows > 2) s[2 * ld + rng.Next(c)] = float.PositiveInfinity;
                    }
                    int[] labels = Enumerable.Range(0, rows).Select(_ => rng.Next(c)).ToArray();
                    string at = $"{path} c={c} rows={rows} special={special}";

                    float[] gRow = Fill((rows - 1) * ldg + c), gPipe = Fill(gRow.Length);
                    double lossRow = PerRow(path, s, labels, rows, c, ld, gRow, ldg), lossPipe = Pipeline(path, s, labels, rows, c, ld, gPipe, ldg);
                    Assert.True(BitConverter.DoubleToInt64Bits(lossRow) == BitConverter.DoubleToInt64Bits(lossPipe), $"{at}: loss {lossPipe} vs per row {lossRow}");
                    Assert.True(gRow.AsSpan().SequenceEqual(gPipe), $"{at}: gradient differs");
                    Assert.Equal(BitConverter.DoubleToInt64Bits(lossRow), BitConverter.DoubleToInt64Bits(Pipeline(path, s, labels, rows, c, ld, null, 0)));

                    float[] inPlace = (float[])s.Clone();
                    double lossInPlace = Pipeline(path, inPlace, labels, rows, c, ld, inPlace, ld);
                    float[] gDense = Fill(s.Length);
                    PerRow(path, s, labels, rows, c, ld, gDense, ld);
                    Assert.Equal(BitConverter.DoubleToInt64Bits(lossRow), BitConverter.DoubleToInt64Bits(lossInPlace));
                    for (int r = 0; r < rows; r++)
                        Assert.True(inPlace.AsSpan(r * ld, c).SequenceEqual(gDense.AsSpan(r * ld, c)), $"{at}: in place row {r} differs");
                }
    }

    private static float[] Fill(int n) => Enumerable.Repeat(12345f, n).ToArray();

    private static double PerRow(KernelPath path, float[] s, int[] labels, int rows, int c, int ld, float[] g, int ldg)
    {
        fixed (float* ps = s, pg = g)
        {
            double total = 0;
            for (int r = 0; r < rows; r++)
                total += path == KernelPath.Avx512
                    ? CrossEntropyLongRow<Avx512Isa, Vector512<float>>.Row(ps + r * ld, labels[r], c, pg + r * ldg, 0.25f)
                    : CrossEntropyLongRow<Avx2Isa, Vector256<float>>.Row(ps + r * ld, labels[r], c, pg + r * ldg, 0.25f);
            return total;
        }
    }

    private static double Pipeline(KernelPath path, float[] s, int[] labels, int rows, int c, int ld, float[]? g, int ldg)
    {
        fixed (float* ps = s, pg = g)
        fixed (int* pl = labels)
            return path == KernelPath.Avx512
                ? CrossEntropyLongRow<Avx512Isa, Vector512<float>>.Rows(ps, pl, rows, c, ld, g == null ? null : pg, ldg, 0.25f, 0)
                : CrossEntropyLongRow<Avx2Isa, Vector256<float>>.Rows(ps, pl, rows, c, ld, g == null ? null : pg, ldg, 0.25f, 0);
    }
}
