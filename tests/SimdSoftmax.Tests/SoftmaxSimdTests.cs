using SimdSoftmax.GuardPages;

namespace SimdSoftmax.Tests;

/// <summary>
/// The SIMD softmax paths against the double oracle over systematic shapes (every row length 1..70, vector and
/// group edges, every row count 1..20 so the 8/16-row groups end partially), extreme ranges and −∞ entries,
/// in place and out of place, always inside canary-guarded buffers; plus special values per shape and zero allocation.
/// </summary>
public class SoftmaxSimdTests
{
    private const int Guard = 67;                 // canary floats on each side: more than one zmm, odd on purpose
    private static readonly int[] s_lengths = [.. Enumerable.Range(1, 70), 127, 128, 129, 1000];

    public static TheoryData<KernelPath, bool> SimdAndLog()
    {
        var d = new TheoryData<KernelPath, bool>();
        foreach (KernelPath p in new[] { KernelPath.Avx2, KernelPath.Avx512 })
        {
            d.Add(p, false);
            d.Add(p, true);
        }
        return d;
    }

    /// <summary>Runs the kernel on slices of canary-filled buffers, checks the canaries and returns the output.</summary>
    private static float[] RunGuarded(KernelPath path, bool log, float[] x, int cols, bool inPlace)
    {
        int n = x.Length;
        float[] xb = Canary.Surround(x, Guard);
        float[] yb = inPlace ? xb : Canary.Surround(new float[n], Guard);
        Span<float> ys = yb.AsSpan(Guard, n);
        ReadOnlySpan<float> xs = xb.AsSpan(Guard, n);
        if (log) Softmax.LogRows(xs, ys, cols, path); else Softmax.Rows(xs, ys, cols, path);
        foreach (float[] buffer in inPlace ? new[] { xb } : new[] { xb, yb })
        {
            int before = Canary.FirstChanged(buffer.AsSpan(0, Guard)), after = Canary.FirstChanged(buffer.AsSpan(Guard + n));
            Assert.True(before < 0, $"canary before the span overwritten at -{Guard - before}");
            Assert.True(after < 0, $"canary after the span overwritten at +{after}");
        }
        if (!inPlace) Assert.Equal(x, xb.AsSpan(Guard, n).ToArray()); // input untouched
        return ys.ToArray();
    }

    private static void Check(KernelPath path, bool log, float[] x, int cols, string what)
    {
        double[] expected = DoubleReference.Softmax(x, cols, log);
        foreach (bool inPlace in new[] { false, true })
        {
            float[] y = RunGuarded(path, log, x, cols, inPlace);
            string w = $"{what}{(inPlace ? " in place" : "")}";
            if (log) Compare.Close(expected, y, rtol: 2e-7, atol: 1e-6, w);
            else Compare.Close(expected, y, rtol: 2e-5, atol: 1e-37, w);
        }
    }

    [SkippableTheory, MemberData(nameof(SimdAndLog))]
    public void Every_row_length_and_every_row_count_1_to_20(KernelPath path, bool log)
    {
        Paths.Require(path);
        foreach (int cols in s_lengths)
            for (int rows = 1; rows <= 20; rows++)
            {
                if (cols == 1000 && rows % 4 != 1) continue; // keep the run short; 1000 is a plain multi-vector row
                Check(path, log, Data.Uniform(rows * cols, cols * 101 + rows, -10f, 10f), cols, $"cols={cols} rows={rows}");
            }
    }

    /// <summary>
    /// Many full 8/16-row groups, then a partial one, every short-row length: the AVX2 kernel writes full groups of rows
    /// ≥ 8 with overlapping plain stores and packs rows &lt; 8 in its tile before copying them out, the final group's
    /// tail masked. In place must give bitwise the same floats as out of place.
    /// </summary>
    [SkippableTheory, MemberData(nameof(SimdAndLog))]
    public void Many_full_groups_then_a_partial_group_every_short_row_length(KernelPath path, bool log)
    {
        Paths.Require(path);
        for (int cols = 1; cols <= 66; cols++)
            foreach (int rows in new[] { 64, 65, 71, 79 })
            {
                float[] x = Data.Uniform(rows * cols, cols * 977 + rows, -12f, 12f);
                double[] expected = DoubleReference.Softmax(x, cols, log);
                float[] outOfPlace = RunGuarded(path, log, x, cols, inPlace: false);
                float[] inPlace = RunGuarded(path, log, x, cols, inPlace: true);
                string w = $"cols={cols} rows={rows}";
                if (log) Compare.Close(expected, outOfPlace, rtol: 2e-7, atol: 1e-6, w);
                else Compare.Close(expected, outOfPlace, rtol: 2e-5, atol: 1e-37, w);
                for (int i = 0; i < x.Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(outOfPlace[i]) == BitConverter.SingleToInt32Bits(inPlace[i]),
                        $"{w}: in place differs at {i}: {inPlace[i]} vs {outOfPlace[i]}");
            }
    }

    [SkippableTheory, MemberData(nameof(SimdAndLog))]
    public void Inputs_in_90_to_100_and_in_minus_1e4_to_1e4(KernelPath path, bool log)
    {
        Paths.Require(path);
        foreach (int cols in s_lengths)
            foreach (int rows in new[] { 1, 7, 17 })
            {
                Check(path, log, Data.Uniform(rows * cols, cols + 3 * rows, 90f, 100f), cols, $"[90,100] cols={cols} rows={rows}");
                Check(path, log, Data.Uniform(rows * cols, cols + 5 * rows, -1e4f, 1e4f), cols, $"[-1e4,1e4] cols={cols} rows={rows}");
            }
    }

    [SkippableTheory, MemberData(nameof(SimdAndLog))]
    public void Rows_with_minus_infinity_entries(KernelPath path, bool log)
    {
        Paths.Require(path);
        var rng = new Random(7);
        foreach (int cols in s_lengths)
            foreach (int rows in new[] { 1, 5, 16, 19 })
            {
                float[] x = Data.Uniform(rows * cols, cols * 7 + rows, -20f, 20f);
                for (int r = 0; r < rows; r++)
                {
                    // Some rows get a few −∞ entries, some get all but one entry −∞ (probability 1 there).
                    int kind = rng.Next(3);
                    int keep = rng.Next(cols);
                    for (int j = 0; j < cols; j++)
                        if ((kind == 1 && rng.Next(3) == 0 && j != keep) || (kind == 2 && j != keep))
                            x[r * cols + j] = float.NegativeInfinity;
                }
                Check(path, log, x, cols, $"−∞ entries cols={cols} rows={rows}");
            }
    }

    [SkippableTheory, MemberData(nameof(SimdAndLog))]
    public void Special_values_in_every_position_make_only_their_row_NaN(KernelPath path, bool log)
    {
        Paths.Require(path);
        foreach (int cols in new[] { 1, 2, 3, 8, 10, 15, 16, 17, 33, 64, 65, 100, 129 })
            foreach (float special in new[] { float.NaN, float.PositiveInfinity })
                for (int j = 0; j < cols; j += Math.Max(1, cols / 7))
                {
                    const int rows = 19;
                    int bad = j % rows;
                    float[] x = Data.Uniform(rows * cols, cols + j, -5f, 5f);
                    x[bad * cols + j] = special;
                    int allMinusInf = (bad + 3) % rows;
                    for (int k = 0; k < cols; k++) x[allMinusInf * cols + k] = float.NegativeInfinity;
                    float[] y = RunGuarded(path, log, x, cols, inPlace: j % 2 == 0);
                    for (int r = 0; r < rows; r++)
                        for (int k = 0; k < cols; k++)
                        {
                            bool nanRow = r == bad || r == allMinusInf;
                            Assert.True(float.IsNaN(y[r * cols + k]) == nanRow,
                                $"{(log ? "log-" : "")}softmax cols={cols} {special} at ({bad},{j}), all −∞ row {allMinusInf}: y[{r},{k}] = {y[r * cols + k]}");
                        }
                }
    }

    [SkippableTheory, MemberData(nameof(SimdAndLog))]
    public void Rows_sum_to_one_and_match_the_scalar_reference(KernelPath path, bool log)
    {
        Paths.Require(path);
        foreach (int cols in new[] { 10, 64, 65, 1000, 5000 })
        {
            float[] x = Data.Gaussian(cols * 18, cols, 3f);
            var expected = new float[x.Length];
            var actual = new float[x.Length];
            if (log) { Softmax.LogRows(x, expected, cols, KernelPath.Scalar); Softmax.LogRows(x, actual, cols, path); }
            else { Softmax.Rows(x, expected, cols, KernelPath.Scalar); Softmax.Rows(x, actual, cols, path); }
            for (int i = 0; i < x.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= (log ? 1e-6 + 2e-7 * Math.Abs(expected[i]) : 2e-5 * expected[i] + 1e-37),
                    $"cols={cols} [{i}]: scalar {expected[i]:R}, {path} {actual[i]:R}");
            if (!log)
                for (int r = 0; r < 18; r++)
                {
                    double s = 0;
                    for (int j = 0; j < cols; j++) s += actual[r * cols + j];
                    Assert.True(Math.Abs(s - 1) < 1e-5, $"cols={cols} row {r} sums to {s}");
                }
        }
    }

    [SkippableTheory, MemberData(nameof(SimdAndLog))]
    public void A_long_row_of_a_million_stays_accurate(KernelPath path, bool log)
    {
        Paths.Require(path);
        const int cols = 1_000_000;
        float[] x = Data.Uniform(cols, 11, -3f, 3f);
        double[] expected = DoubleReference.Softmax(x, cols, log);
        var y = new float[cols];
        if (log) Softmax.LogRows(x, y, cols, path); else Softmax.Rows(x, y, cols, path);
        if (log) Compare.Close(expected, y, rtol: 2e-7, atol: 1e-6, "1e6 log");
        else Compare.Close(expected, y, rtol: 2e-5, atol: 1e-37, "1e6");
    }

    [SkippableTheory, MemberData(nameof(SimdAndLog))]
    public void Large_outputs_written_with_streaming_stores(KernelPath path, bool log)
    {
        // ≥ 4 Mi floats out of place is the out-of-cache path: rows one at a time, and log-softmax rows of 5000 take
        // the non-temporal stores; the guard offset makes y unaligned, so the masked head, the aligned streaming body
        // and the masked tail all run.
        // In place is never streamed and does the same arithmetic, so the two must agree bit for bit; a few rows
        // are also checked against the double oracle.
        Paths.Require(path);
        foreach (int cols in new[] { 1000, 5000 })
        {
            int rows = (4 << 20) / cols + 1;
            float[] x = Data.Uniform(rows * cols, cols, -30f, 30f);
            float[] y = RunGuarded(path, log, x, cols, inPlace: false);
            float[] inPlace = (float[])x.Clone();
            if (log) Softmax.LogRows(inPlace, inPlace, cols, path); else Softmax.Rows(inPlace, inPlace, cols, path);
            Assert.True(inPlace.AsSpan().SequenceEqual(y), $"streamed output differs from in-place output, cols={cols}");
            foreach (int r in new[] { 0, 1, rows / 2, rows - 1 })
            {
                float[] row = x.AsSpan(r * cols, cols).ToArray();
                double[] expected = DoubleReference.Softmax(row, cols, log);
                if (log) Compare.Close(expected, y.AsSpan(r * cols, cols), rtol: 2e-7, atol: 1e-6, $"streamed cols={cols} row {r}");
                else Compare.Close(expected, y.AsSpan(r * cols, cols), rtol: 2e-5, atol: 1e-37, $"streamed cols={cols} row {r}");
            }
        }
    }

    [SkippableTheory, MemberData(nameof(SimdAndLog))]
    public void Spans_ending_at_an_unmapped_page_are_never_read_past(KernelPath path, bool log)
    {
        // Canaries catch stray writes; a stray read only shows when the next page is not mapped: the data ends exactly
        // at a PROT_NONE page, so any read past the span crashes the test process.
        Paths.Require(path);
        Skip.IfNot(OperatingSystem.IsLinux(), "Uses mmap/mprotect.");
        using var region = new GuardedRegion(1000 * 16);
        foreach (int cols in new[] { 1, 3, 10, 16, 17, 40, 41, 100, 1000 })
            foreach (int rows in new[] { 1, 5, 16, 17 })
            {
                int n = rows * cols;
                if (n > region.Capacity) continue;
                Span<float> x = region.Tail(n);
                Data.Uniform(n, cols + rows, -5f, 5f).CopyTo(x);
                double[] expected = DoubleReference.Softmax(x, cols, log);
                if (log) Softmax.LogRows(x, x, cols, path); else Softmax.Rows(x, x, cols, path);
                if (log) Compare.Close(expected, x, rtol: 2e-7, atol: 1e-6, $"page end cols={cols} rows={rows}");
                else Compare.Close(expected, x, rtol: 2e-5, atol: 1e-37, $"page end cols={cols} rows={rows}");
            }
    }

    /// <summary>
    /// Rows longer than the short-row kernels go through the row pipeline (finishing of row r − 1, exp of row r and max
    /// of row r + 1 in one sweep), softmax and log-softmax: bitwise the same as the per-row kernel, row by row, in place and out of place, for 2, 3
    /// and 7 rows (no middle sweep, one, several), vector tails and the longest pipelined row.
    /// </summary>
    [SkippableTheory, MemberData(nameof(SimdAndLog))]
    public unsafe void Pipelined_rows_are_bitwise_the_per_row_kernel(KernelPath path, bool log)
    {
        Paths.Require(path);
        int shortest = Tuning.SoftmaxShortRowMaxCols + 1;
        foreach (int cols in new[] { shortest, shortest + 1, 100, 127, 1000, 4095, 4096 })
            foreach (int rows in new[] { 2, 3, 7 })
            {
                float[] x = Data.Uniform(rows * cols, cols + rows, -30f, 30f);
                x[cols / 2] = float.NegativeInfinity;                // a −∞ entry in the first row
                float[] expected = new float[x.Length];
                fixed (float* px = x, pe = expected)
                    for (int r = 0; r < rows; r++)
                        if (path == KernelPath.Avx512) SoftmaxRows<Avx512Isa, System.Runtime.Intrinsics.Vector512<float>>.Row(px + r * cols, pe + r * cols, cols, log);
                        else SoftmaxRows<Avx2Isa, System.Runtime.Intrinsics.Vector256<float>>.Row(px + r * cols, pe + r * cols, cols, log);
                float[] y = new float[x.Length];
                float[] inPlace = (float[])x.Clone();
                if (log) { Softmax.LogRows(x, y, cols, path); Softmax.LogRows(inPlace, inPlace, cols, path); }
                else { Softmax.Rows(x, y, cols, path); Softmax.Rows(inPlace, inPlace, cols, path); }
                for (int i = 0; i < x.Length; i++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(y[i]), $"{path} log={log} cols={cols} rows={rows} at {i}: {y[i]} vs per-row {expected[i]}");
                    Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(inPlace[i]), $"{path} log={log} cols={cols} rows={rows} in place at {i}");
                }
            }
    }

    [SkippableTheory, MemberData(nameof(SimdAndLog))]
    public void Steady_state_calls_allocate_nothing(KernelPath path, bool log)
    {
        Paths.Require(path);
        foreach (int cols in new[] { 3, 10, 64, 65, 1000 })
        {
            float[] x = Data.Uniform(cols * 33, cols, -4f, 4f), y = new float[x.Length];
            void Call()
            {
                if (log) Softmax.LogRows(x, y, cols, path); else Softmax.Rows(x, y, cols, path);
            }
            Assert.Equal(0, SteadyState.AllocatedBytes(Call, calls: 10));
        }
    }
}
