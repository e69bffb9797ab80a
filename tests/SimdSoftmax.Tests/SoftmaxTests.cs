namespace SimdSoftmax.Tests;

/// <summary>Softmax and log-softmax on every path against the double oracle, including special values.</summary>
public class SoftmaxTests
{
    public static TheoryData<KernelPath, bool> PathsAndLog()
    {
        var d = new TheoryData<KernelPath, bool>();
        foreach (KernelPath p in new[] { KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 })
        {
            d.Add(p, false);
            d.Add(p, true);
        }
        return d;
    }

    private static void Check(KernelPath path, bool log, float[] x, int cols, bool inPlace = false, string what = "")
    {
        double[] expected = DoubleReference.Softmax(x, cols, log);
        float[] y = inPlace ? (float[])x.Clone() : new float[x.Length];
        if (inPlace)
        {
            if (log) Softmax.LogRows(y, y, cols, path); else Softmax.Rows(y, y, cols, path);
        }
        else
        {
            if (log) Softmax.LogRows(x, y, cols, path); else Softmax.Rows(x, y, cols, path);
        }
        if (log) Compare.Close(expected, y, rtol: 2e-7, atol: 1e-6, what);
        else Compare.Close(expected, y, rtol: 2e-5, atol: 1e-37, what);
    }

    [SkippableTheory, MemberData(nameof(PathsAndLog))]
    public void Every_row_length_1_to_70_and_tile_edges(KernelPath path, bool log)
    {
        Paths.Require(path);
        int[] lengths = [.. Enumerable.Range(1, 70), 127, 128, 129, 255, 256, 257, 1000];
        foreach (int cols in lengths)
            foreach (int rows in new[] { 1, 2, 3, 7, 16, 17 })
            {
                float[] x = Data.Uniform(rows * cols, cols * 31 + rows, -10f, 10f);
                Check(path, log, x, cols, inPlace: false, $"cols={cols} rows={rows}");
                Check(path, log, x, cols, inPlace: true, $"in place cols={cols} rows={rows}");
            }
    }

    [SkippableTheory, MemberData(nameof(PathsAndLog))]
    public void Inputs_where_exp_overflows_but_shifted_exp_does_not(KernelPath path, bool log)
    {
        Paths.Require(path);
        foreach (int cols in new[] { 3, 10, 33, 1000 })
            Check(path, log, Data.Uniform(cols * 5, cols, 90f, 100f), cols, what: $"[90,100] cols={cols}");
    }

    [SkippableTheory, MemberData(nameof(PathsAndLog))]
    public void Wide_range_inputs(KernelPath path, bool log)
    {
        Paths.Require(path);
        foreach (int cols in new[] { 2, 10, 64, 129 })
        {
            float[] x = Data.Uniform(cols * 9, cols + 7, -1e4f, 1e4f);
            double[] expected = DoubleReference.Softmax(x, cols, log);
            var y = new float[x.Length];
            if (log) Softmax.LogRows(x, y, cols, path); else Softmax.Rows(x, y, cols, path);
            // Outputs of magnitude 1e4 are only representable to half an ulp (≈ 5e-4).
            Compare.Close(expected, y, rtol: log ? 2e-7 : 2e-5, atol: log ? 1e-6 : 1e-37, $"cols={cols}");
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Special_values(KernelPath path)
    {
        Paths.Require(path);
        float ninf = float.NegativeInfinity, pinf = float.PositiveInfinity, nan = float.NaN;
        var y = new float[4];

        Softmax.Rows([1f, ninf, 2f, ninf], y, 4, path);
        Assert.Equal(0f, y[1]);
        Assert.Equal(0f, y[3]);
        Assert.Equal(1.0, y[0] + (double)y[2], 6);
        Softmax.LogRows([1f, ninf, 2f, ninf], y, 4, path);
        Assert.Equal(ninf, y[1]);
        Assert.True(float.IsFinite(y[0]) && float.IsFinite(y[2]));

        foreach (float[] row in new[] { new[] { ninf, ninf, ninf, ninf }, new[] { 1f, pinf, 2f, 3f }, new[] { 1f, 2f, nan, 3f } })
        {
            Softmax.Rows(row, y, 4, path);
            Assert.All(y, v => Assert.True(float.IsNaN(v), $"softmax([{string.Join(", ", row)}]) should be all NaN, got [{string.Join(", ", y)}]"));
            Softmax.LogRows(row, y, 4, path);
            Assert.All(y, v => Assert.True(float.IsNaN(v), $"log-softmax([{string.Join(", ", row)}]) should be all NaN, got [{string.Join(", ", y)}]"));
        }
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Special_values_do_not_leak_into_other_rows(KernelPath path)
    {
        Paths.Require(path);
        const int cols = 10, rows = 20;
        float[] x = Data.Uniform(rows * cols, 5, -3f, 3f);
        x[3 * cols + 4] = float.NaN;
        x[7 * cols + 0] = float.PositiveInfinity;
        for (int j = 0; j < cols; j++) x[11 * cols + j] = float.NegativeInfinity;
        x[15 * cols + 9] = float.NegativeInfinity;
        var y = new float[x.Length];
        Softmax.Rows(x, y, cols, path);
        for (int r = 0; r < rows; r++)
        {
            bool nanRow = r is 3 or 7 or 11;
            for (int j = 0; j < cols; j++)
                Assert.True(float.IsNaN(y[r * cols + j]) == nanRow, $"row {r} col {j}: {y[r * cols + j]}");
        }
        Assert.Equal(0f, y[15 * cols + 9]);
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Empty_input_is_a_no_op(KernelPath path)
    {
        Paths.Require(path);
        Softmax.Rows([], [], 5, path);
        Softmax.LogRows([], [], 1, path);
    }
}
