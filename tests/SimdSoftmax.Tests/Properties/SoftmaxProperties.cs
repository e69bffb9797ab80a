using CsCheck;

namespace SimdSoftmax.Tests.Properties;

public sealed record RowsCase(int Rows, int Cols, Mix Mix, float[] X, int[] Patterns, bool InPlace, int Offset)
{
    public override string ToString() => $"rows={Rows} cols={Cols} inPlace={InPlace} offset={Offset} mix={Mix} x={Gens.Show(X)}";
}

/// <summary>A softmax-shaped kernel under test: (x, y, cols). The library's entries, or a deliberately wrong copy.</summary>
public delegate void RowKernel(ReadOnlySpan<float> x, Span<float> y, int cols);

/// <summary>
/// Softmax.Rows / LogRows on every path, out of place and in place, against a double-precision reference:
/// softmax |ŷ − p| ≤ (cols + 8 + |x − max|)·u·p + 2⁻¹²⁵ (relative, plus the flush of exponentials below FLT_MIN);
/// log-softmax |ŷ − y| ≤ 4u·(|y| + |x − max|) + (cols + 8)·u + 4·10⁻⁷ (absolute: the sum's relative error and the
/// short-row log series' 3·10⁻⁷). Special rows as docs/guarantees.md. Canaries around y; bitwise the same on a repeat,
/// in place and out of place, and with x offset by 1..15 floats.
/// </summary>
public class SoftmaxProperties
{
    private const string Type = "SimdSoftmax.Tests.Properties.SoftmaxProperties";

    public static Gen<RowsCase> Cases(int largeCols = 4200) =>
        from rows in Gens.Dim(200)
        from cols in Gens.PositiveDim(largeCols)
        from mix in Gens.MixGen
        from x in Gens.Value(mix).Array[rows * cols]
        from patterns in Gens.RowPatterns(rows, mix)
        from inPlace in Gen.Bool
        from offset in Gens.Offset
        select new RowsCase(rows, cols, mix, x, patterns, inPlace, offset);

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Rows(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(Rows)}", path.ToString(), Cases(), c => Check(c, (x, y, n) => Softmax.Rows(x, y, n, path), log: false));
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void LogRows(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(LogRows)}", path.ToString(), Cases(), c => Check(c, (x, y, n) => Softmax.LogRows(x, y, n, path), log: true));
    }

    /// <summary>The expected row in double, or null when the row is all NaN by the special-values table.</summary>
    public static double[]? Reference(ReadOnlySpan<float> row, bool log, out double[] shifted)
    {
        shifted = new double[row.Length];
        double max = double.NegativeInfinity;
        foreach (float v in row)
        {
            if (float.IsNaN(v) || v == float.PositiveInfinity) return null;
            max = Math.Max(max, v);
        }
        if (double.IsNegativeInfinity(max)) return null;
        double sum = 0;
        for (int j = 0; j < row.Length; j++)
        {
            shifted[j] = row[j] - (float)max; // the documented x − max is a float subtraction: it overflows to −∞ for ±FLT_MAX
            sum += Math.Exp(shifted[j]);
        }
        double logSum = Math.Log(sum);
        var y = new double[row.Length];
        for (int j = 0; j < row.Length; j++) y[j] = log ? shifted[j] - logSum : Math.Exp(shifted[j]) / sum;
        return y;
    }

    public static double RowMaxOf(ReadOnlySpan<float> row)
    {
        double max = double.NegativeInfinity;
        foreach (float v in row) max = Math.Max(max, v);
        return max;
    }

    public static void Check(RowsCase c, RowKernel kernel, bool log)
    {
        float[] x = (float[])c.X.Clone();
        Gens.ApplyRowPatterns(x, c.Cols, c.Patterns);
        int length = x.Length;
        float[] buffer = Canary.Buffer(length);
        if (c.InPlace)
        {
            x.CopyTo(buffer, Canary.Guard);
            Span<float> io = buffer.AsSpan(Canary.Guard, length);
            kernel(io, io, c.Cols);
        }
        else
        {
            kernel(x, buffer.AsSpan(Canary.Guard, length), c.Cols);
        }
        Canary.CheckGuards(buffer, length, "y");
        ReadOnlySpan<float> y = buffer.AsSpan(Canary.Guard, length);
        string name = log ? "log-softmax" : "softmax";
        for (int r = 0; r < c.Rows; r++)
        {
            double[]? expected = Reference(x.AsSpan(r * c.Cols, c.Cols), log, out double[] d);
            for (int j = 0; j < c.Cols; j++)
            {
                int i = r * c.Cols + j;
                if (expected is null) { Expect.Near(name, i, y[i], double.NaN, 0); continue; }
                double e = expected[j];
                if (double.IsNegativeInfinity(d[j])) e = log ? double.NegativeInfinity : 0; // a −∞ entry is exactly 0 / −∞
                double tolerance = log
                    ? 4 * Expect.U * (Math.Abs(e) + Math.Abs(d[j])) + (c.Cols + 8) * Expect.U + 4e-7
                    : (c.Cols + 8 + Math.Abs(d[j])) * Expect.U * Math.Abs(e) + Expect.Flush;
                if (!log && double.IsNegativeInfinity(d[j])) tolerance = 0;
                Expect.Near(name, i, y[i], e, tolerance);
            }
        }

        // Determinism: a repeat with the other aliasing (in place ↔ out of place) on x offset by 1..15 floats.
        float[] shifted = Canary.Shifted(x, c.Offset);
        Span<float> xs = shifted.AsSpan(c.Offset, length);
        if (c.InPlace)
        {
            float[] outBuffer = new float[length];
            kernel(xs, outBuffer, c.Cols);
            Canary.BitwiseEqual(y, outBuffer, $"y out of place with x offset by {c.Offset} (vs in place)");
        }
        else
        {
            kernel(xs, xs, c.Cols);
            Canary.BitwiseEqual(y, xs, $"y in place offset by {c.Offset} (vs out of place)");
        }
    }
}
