namespace SimdSoftmax;

/// <summary>
/// The reference softmax: three plain passes per row (max; exponentials stored
/// and summed in double; scale). Works in place because element j is read before it is written.
/// Exponentials below the SIMD cutoff are +0 (<see cref="ScalarExp.Flushed"/>), as on every SIMD path, so a
/// probability below FLT_MIN is 0 on every path rather than a subnormal here only.
/// </summary>
internal static class SoftmaxScalar
{
    public static void Rows(ReadOnlySpan<float> x, Span<float> y, int cols, bool log)
    {
        int rows = x.Length / cols;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * cols, cols);
            Span<float> yr = y.Slice(r * cols, cols);
            float max = RowMax(xr);
            double sum = 0;
            if (log)
            {
                for (int j = 0; j < cols; j++) sum += ScalarExp.Flushed(xr[j] - max);
                double logSum = Math.Log(sum);
                for (int j = 0; j < cols; j++) yr[j] = (float)((double)xr[j] - max - logSum);
            }
            else
            {
                for (int j = 0; j < cols; j++)
                {
                    float e = ScalarExp.Flushed(xr[j] - max);
                    yr[j] = e;
                    sum += e;
                }
                for (int j = 0; j < cols; j++) yr[j] = (float)(yr[j] / sum);
            }
        }
    }

    /// <summary>The row maximum, NaN if any entry is NaN (IEEE 754-2019 maximum).</summary>
    public static float RowMax(ReadOnlySpan<float> row)
    {
        float max = float.NegativeInfinity;
        foreach (float v in row) max = MathF.Max(max, v);
        return max;
    }
}
