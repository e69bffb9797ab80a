using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Softmax / log-softmax over rows, 512-bit: rows of at most <see cref="ShortRowMaxCols"/> go through the
/// transposed 16-row kernel (<see cref="SoftmaxShortRowsAvx512"/>); longer rows run the three per-row passes of
/// <see cref="SoftmaxRowKernelsAvx512"/> (max; exp stored and summed; scale), the row staying in L1 after the
/// first pass. Log-softmax sums without storing and writes (x − max) − log Σ in the last pass.
/// </summary>
internal static unsafe class SoftmaxRowsAvx512
{
    /// <summary>Longest row handled by the transposed short-row kernel (measured crossover, see the softmax-sweep).</summary>
    public const int ShortRowMaxCols = 64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows(ReadOnlySpan<float> x, Span<float> y, int cols, bool log)
    {
        Debug.Assert(cols > 0 && x.Length % cols == 0 && y.Length == x.Length);
        int rows = x.Length / cols;
        if (rows == 0) return;
        fixed (float* px = x, py = y)
        {
            if (cols <= ShortRowMaxCols)
            {
                SoftmaxShortRowsAvx512.Rows(px, py, rows, cols, log);
                return;
            }
            for (int r = 0; r < rows; r++)
            {
                nint offset = (nint)r * cols;
                Row(px + offset, py + offset, cols, log);
            }
        }
    }

    /// <summary>One row of n elements at x into y (y may be x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row(float* x, float* y, nint n, bool log)
    {
        float max = SoftmaxRowKernelsAvx512.RowMax(x, n);
        if (log)
        {
            double sum = SoftmaxRowKernelsAvx512.SumExpMinusMax(x, n, max);
            SoftmaxRowKernelsAvx512.SubtractMaxAndLogSum(x, y, n, max, (float)Math.Log(sum));
        }
        else
        {
            double sum = SoftmaxRowKernelsAvx512.StoreExpMinusMax(x, y, n, max);
            SoftmaxRowKernelsAvx512.Scale(y, n, (float)(1.0 / sum));
        }
    }
}
