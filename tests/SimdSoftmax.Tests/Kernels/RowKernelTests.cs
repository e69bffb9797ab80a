using SimdSoftmax.GuardPages;

namespace SimdSoftmax.Tests;

/// <summary>
/// The shared tester of the row kernels: every kernel in <see cref="RowKernelRegistry"/>, called directly, at row
/// lengths 1..70 and its own limit ±1, row counts around its group size, against the double reference. Inputs and
/// outputs end exactly at a PROT_NONE page (a read or write one float past the last row faults) and the input pages are
/// read-only while an out-of-place kernel runs (a write to x faults). Skipped when the CPU lacks the kernel's ISA.
/// </summary>
public unsafe class RowKernelTests
{
    public static TheoryData<string, bool> SoftmaxKernels()
    {
        var data = new TheoryData<string, bool>();
        foreach (var k in RowKernelRegistry.Softmax) { data.Add(k.Name, false); data.Add(k.Name, true); }
        return data;
    }

    public static TheoryData<string> CrossEntropyKernels()
    {
        var data = new TheoryData<string>();
        foreach (var k in RowKernelRegistry.CrossEntropy) data.Add(k.Name);
        return data;
    }

    /// <summary>Row lengths 1..70, the limit − 1 and the limit, and a few long ones when the kernel takes them.</summary>
    private static IEnumerable<int> Lengths(int max) =>
        Enumerable.Range(1, 70).Concat([max - 1, max, 127, 128, 129, 1000, 4095, 4096, 4097])
            .Where(n => n >= 1 && n <= max && n <= 5000).Distinct().Order();

    /// <summary>Row counts around the group size (eq, ±1, twice), filtered by the kernel's constraints.</summary>
    private static IEnumerable<int> RowCounts(int group, int minRows, int multiple) =>
        new[] { 1, 2, 3, group - 1, group, group + 1, 2 * group - 1, 2 * group, 2 * group + 1 }
            .Where(r => r >= minRows && r % multiple == 0).Distinct().Order();

    [SkippableTheory, MemberData(nameof(SoftmaxKernels))]
    public void Softmax_kernel_at_its_edges_on_guard_pages(string name, bool log)
    {
        var kernel = RowKernelRegistry.Softmax.Single(k => k.Name == name);
        Paths.Require(kernel.Isa);
        Skip.IfNot(OperatingSystem.IsLinux(), "Guard pages use mmap/mprotect.");
        foreach (int cols in Lengths(kernel.MaxCols))
            foreach (int rows in RowCounts(kernel.Group, kernel.MinRows, 1))
            {
                if (cols > 200 && rows > 3) continue;
                int n = rows * cols;
                float[] input = Data.Uniform(n, 31 * cols + rows, -30f, 30f);
                if (n > 2) input[n / 2] = float.NegativeInfinity;
                double[] expected = DoubleReference.Softmax(input, cols, log);
                string what = $"{name} log={log} cols={cols} rows={rows}";
                using var xr = new GuardedRegion(n);
                using var yr = new GuardedRegion(n);
                Span<float> x = xr.Tail(n), y = yr.Tail(n);
                input.CopyTo(x);
                xr.ReadOnly();
                fixed (float* px = x, py = y) kernel.Run(px, py, rows, cols, log);
                xr.ReadWrite();
                Check(expected, y, log, what);
                fixed (float* px = x) kernel.Run(px, px, rows, cols, log);
                Check(expected, x, log, what + " in place");
            }
    }

    private static void Check(double[] expected, ReadOnlySpan<float> y, bool log, string what)
    {
        if (log) Compare.Close(expected, y, rtol: 2e-7, atol: 1e-6, what);
        else Compare.Close(expected, y, rtol: 2e-5, atol: 1e-37, what);
    }

    [SkippableTheory, MemberData(nameof(CrossEntropyKernels))]
    public void Cross_entropy_kernel_at_its_edges_on_guard_pages(string name)
    {
        var kernel = RowKernelRegistry.CrossEntropy.Single(k => k.Name == name);
        Paths.Require(kernel.Isa);
        Skip.IfNot(OperatingSystem.IsLinux(), "Guard pages use mmap/mprotect.");
        foreach (int c in Lengths(kernel.MaxClasses))
            foreach (int rows in RowCounts(kernel.Group, 1, kernel.RowMultiple))
            {
                if (c > 200 && rows > 3) continue;
                int n = rows * c;
                float[] logits = Data.Uniform(n, 17 * c + rows, -20f, 20f);
                int[] labelValues = Data.Labels(rows, c, c + rows);
                var (loss, grad) = DoubleReference.CrossEntropy(logits, labelValues, c);
                string what = $"{name} c={c} rows={rows}";
                using var sr = new GuardedRegion(n);
                using var gr = new GuardedRegion(n);
                using var lr = new GuardedRegion(rows);
                Span<float> s = sr.Tail(n), g = gr.Tail(n);
                Span<int> labels = lr.PlaceInts(rows, tail: true);
                logits.CopyTo(s);
                labelValues.CopyTo(labels);
                sr.ReadOnly();
                lr.ReadOnly();
                double total, lossOnly;
                fixed (float* ps = s, pg = g)
                fixed (int* pl = labels)
                {
                    lossOnly = kernel.Run(ps, pl, rows, c, null, 1f / rows);
                    total = kernel.Run(ps, pl, rows, c, pg, 1f / rows);
                }
                sr.ReadWrite();
                Assert.True(Math.Abs(total / rows - loss) <= 1e-5 * Math.Max(1, Math.Abs(loss)), $"{what}: loss {total / rows} vs {loss}");
                Assert.Equal(total, lossOnly);
                Compare.Close(grad, g, rtol: 2e-5, atol: 1e-7 / rows, what);
                fixed (float* ps = s)
                fixed (int* pl = labels)
                    total = kernel.Run(ps, pl, rows, c, ps, 1f / rows);
                Compare.Close(grad, s, rtol: 2e-5, atol: 1e-7 / rows, what + " in place");
            }
    }

    /// <summary>The tuning table's thresholds send no row to a kernel that cannot take it.</summary>
    [Fact]
    public void Thresholds_fit_the_kernels_they_select()
    {
        Assert.True(Tuning.SoftmaxShortRowMaxCols <= SoftmaxShortRowTileAvx2.MaxCols);
        Assert.True(Tuning.SoftmaxShortRowMaxCols <= SoftmaxShortRowTileAvx512.MaxCols);
        Assert.True(Tuning.CrossEntropyShortRowMaxClasses <= CrossEntropyShortRowTileAvx2.MaxClasses);
        Assert.True(SoftmaxShortRowRegistersAvx512.MaxCols <= Tuning.SoftmaxShortRowMaxCols);
        Assert.True(Tuning.StreamingMinCols > Tuning.SoftmaxShortRowMaxCols);
    }
}
