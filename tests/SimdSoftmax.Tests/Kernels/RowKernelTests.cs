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

    public static TheoryData<string> HingeKernels()
    {
        var data = new TheoryData<string>();
        foreach (var k in RowKernelRegistry.Hinge) data.Add(k.Name);
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
                y.Fill(float.NaN); // an entry the kernel skips must not pass as the page's zero
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
                g.Fill(float.NaN);
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

    /// <summary>
    /// The hinge kernels on scores that are multiples of 1/8 in [−3, 3]: every margin, hinge sum and gradient entry is
    /// exact in float, so the loss and dScores must equal the double reference exactly, ties (m = 0, gradient 0 by the
    /// documented rule) included; each row also gets a forced tie next to its label.
    /// </summary>
    [SkippableTheory, MemberData(nameof(HingeKernels))]
    public void Hinge_kernel_at_its_edges_on_guard_pages(string name)
    {
        var kernel = RowKernelRegistry.Hinge.Single(k => k.Name == name);
        Paths.Require(kernel.Isa);
        Skip.IfNot(OperatingSystem.IsLinux(), "Guard pages use mmap/mprotect.");
        int ties = 0;
        foreach (int c in Lengths(int.MaxValue))
            foreach (int rows in RowCounts(kernel.Group, 1, 1))
            {
                if (c > 200 && rows > 3) continue;
                int n = rows * c;
                var rng = new Random(13 * c + rows);
                float[] scores = new float[n];
                for (int i = 0; i < n; i++) scores[i] = rng.Next(-24, 25) / 8f;
                int[] labelValues = Data.Labels(rows, c, 5 * c + rows);
                if (c > 1)
                    for (int r = 0; r < rows; r++) scores[r * c + (labelValues[r] + 1) % c] = scores[r * c + labelValues[r]] - 1f;
                float scale = 1f / rows;
                var (loss, grad, tieCount) = HingeReference(scores, labelValues, c, scale);
                ties += tieCount;
                string what = $"{name} c={c} rows={rows}";
                using var sr = new GuardedRegion(n);
                using var gr = new GuardedRegion(n);
                using var lr = new GuardedRegion(rows);
                Span<float> s = sr.Tail(n), g = gr.Tail(n);
                Span<int> labels = lr.PlaceInts(rows, tail: true);
                scores.CopyTo(s);
                labelValues.CopyTo(labels);
                g.Fill(float.NaN); // most expected entries are 0: an entry the kernel skips must not pass as the page's zero
                sr.ReadOnly();
                lr.ReadOnly();
                double total, lossOnly;
                fixed (float* ps = s, pg = g)
                fixed (int* pl = labels)
                {
                    lossOnly = kernel.Run(ps, pl, rows, c, null, scale);
                    total = kernel.Run(ps, pl, rows, c, pg, scale);
                }
                sr.ReadWrite();
                Assert.True(loss == lossOnly, $"{what}: loss-only {lossOnly} vs {loss}");
                Assert.True(loss == total, $"{what}: loss {total} vs {loss}");
                AssertExact(grad, g, what);
                fixed (float* ps = s)
                fixed (int* pl = labels)
                    total = kernel.Run(ps, pl, rows, c, ps, scale);
                Assert.True(loss == total, $"{what} in place: loss {total} vs {loss}");
                AssertExact(grad, s, what + " in place");
            }
        Assert.True(ties > 1000, $"only {ties} tied margins were exercised");
    }

    /// <summary>The hinge in double: m_j = s_j − s_y + 1, Σ_{j≠y} max(0, m_j); dS = scale where m_j &gt; 0, −count·scale at the label.</summary>
    private static (double Loss, float[] Grad, int Ties) HingeReference(float[] s, int[] labels, int c, float scale)
    {
        var grad = new float[s.Length];
        double loss = 0;
        int ties = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            int y = labels[r], count = 0;
            for (int j = 0; j < c; j++)
            {
                if (j == y) continue;
                double m = (double)s[r * c + j] - s[r * c + y] + 1;
                if (m > 0) { loss += m; count++; grad[r * c + j] = scale; }
                else if (m == 0) ties++;
            }
            grad[r * c + y] = (float)(-(count * (double)scale)); // count·scale rounded once, as a float product is
        }
        return (loss, grad, ties);
    }

    private static void AssertExact(float[] expected, ReadOnlySpan<float> actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            if (expected[i] != actual[i]) Assert.Fail($"{what}: dS[{i}] = {actual[i]:R}, expected {expected[i]:R}");
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
        Assert.True(Tuning.RowPipelineOutOfCacheMaxCols > Tuning.SoftmaxShortRowMaxCols);
        Assert.True(Tuning.RowPipelineOutOfCacheMaxCols > Tuning.CrossEntropyShortRowMaxClasses);
        Assert.True(Tuning.LogSoftmaxStreamingMinCols > Tuning.RowPipelineOutOfCacheMaxCols);
    }
}
