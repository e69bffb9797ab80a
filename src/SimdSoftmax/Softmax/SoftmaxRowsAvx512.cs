using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Softmax / log-softmax over rows, 512-bit: rows of at most <see cref="ShortRowMaxCols"/> go through the
/// transposed 16-row kernels (<see cref="SoftmaxShortRowsInRegistersAvx512"/> up to 16 columns,
/// <see cref="SoftmaxShortRowsAvx512"/> above); longer rows run the three per-row passes of
/// <see cref="SoftmaxRowKernelsAvx512"/> (max; exp stored and summed; scale), the row staying in L1 after the
/// first pass. Log-softmax sums without storing and writes (x − max) − log Σ in the last pass. Large out-of-place
/// outputs (≥ <see cref="StreamingMinFloats"/>) are written with non-temporal stores.
/// </summary>
internal static unsafe class SoftmaxRowsAvx512
{
    /// <summary>
    /// Longest row handled by the transposed short-row kernels: rows of at most 16 by the in-register kernel
    /// (<see cref="SoftmaxShortRowsInRegistersAvx512"/>), longer ones by the tile kernel, which also beat the per-row
    /// kernel on the lengths 41…64 in the 64 KB sweep (softmax-sweep short cols; all but 51 and 62, where it lost by ≤ 10%; e.g. 1.8 vs 1.05 G el/s at 48).
    /// </summary>
    public const int ShortRowMaxCols = SoftmaxShortRowsAvx512.MaxCols;

    /// <summary>Outputs of at least this many floats (16 MB), written out of place, bypass the cache (non-temporal stores).</summary>
    public const int StreamingMinFloats = 4 << 20;
    /// <summary>
    /// Shortest row that is streamed: a row's first and last cache lines are shared with its neighbours and written
    /// with ordinary masked stores, and mixing those with streaming stores on short rows (measured: rows of 100) is
    /// slower than not streaming at all.
    /// </summary>
    public const int StreamingMinCols = 512;
    /// <summary>Longest row whose exponentials are staged in an L1 scratch buffer so the scaled result can be streamed.</summary>
    public const int ScratchFloats = 4096;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Rows(ReadOnlySpan<float> x, Span<float> y, int cols, bool log)
    {
        Debug.Assert(cols > 0 && x.Length % cols == 0 && y.Length == x.Length);
        int rows = x.Length / cols;
        if (rows == 0) return;
        fixed (float* px = x, py = y)
        {
            if (cols <= SoftmaxShortRowsInRegistersAvx512.MaxCols)
            {
                SoftmaxShortRowsInRegistersAvx512.Rows(px, py, rows, cols, log);
                return;
            }
            if (cols <= ShortRowMaxCols)
            {
                SoftmaxShortRowsAvx512.Rows(px, py, rows, cols, log);
                return;
            }
            bool stream = x.Length >= StreamingMinFloats && cols >= StreamingMinCols && px != py && ((nint)py & 3) == 0;
            if (!stream && rows >= 2 && cols <= SoftmaxRowPipeline.MaxCols)
            {
                SoftmaxRowPipeline.Rows<SoftmaxRowKernelsAvx512>(px, py, rows, cols, log);
                return;
            }
            float* buffer = stackalloc float[ScratchFloats + 16];
            float* scratch = stream ? (float*)(((nint)buffer + 63) & ~(nint)63) : null;
            for (int r = 0; r < rows; r++)
            {
                nint offset = (nint)r * cols;
                Row(px + offset, py + offset, cols, log, scratch);
            }
            if (stream) Sse.StoreFence();
        }
    }

    /// <summary>
    /// One row of n elements at x into y (y may be x). With a <paramref name="scratch"/> buffer of
    /// <see cref="ScratchFloats"/> floats the output is written with non-temporal stores (the exponentials of rows up
    /// to that length are staged in scratch); the caller then fences.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row(float* x, float* y, nint n, bool log, float* scratch = null)
    {
        float max = SoftmaxRowKernelsAvx512.RowMax(x, n);
        if (log)
        {
            double sum = SoftmaxRowKernelsAvx512.SumExpMinusMax(x, n, max);
            float logSum = (float)Math.Log(sum);
            if (scratch != null) SoftmaxRowKernelsAvx512.SubtractMaxAndLogSumStreaming(x, y, n, max, logSum);
            else SoftmaxRowKernelsAvx512.SubtractMaxAndLogSum(x, y, n, max, logSum);
        }
        else if (scratch != null && n <= ScratchFloats)
        {
            double sum = SoftmaxRowKernelsAvx512.StoreExpMinusMax(x, scratch, n, max);
            SoftmaxRowKernelsAvx512.ScaleStreaming(scratch, y, n, (float)(1.0 / sum));
        }
        else
        {
            double sum = SoftmaxRowKernelsAvx512.StoreExpMinusMax(x, y, n, max);
            SoftmaxRowKernelsAvx512.Scale(y, n, (float)(1.0 / sum));
        }
    }
}
