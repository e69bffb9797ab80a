using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Softmax / log-softmax over rows, 256-bit: rows of at most <see cref="ShortRowMaxCols"/> go through the
/// transposed 8-row kernel (<see cref="SoftmaxShortRowsAvx2"/>); longer rows run the three per-row passes of
/// <see cref="SoftmaxRowKernelsAvx2"/> (max; exp stored and summed; scale), the row staying in L1 after the
/// first pass. Log-softmax sums without storing and writes (x − max) − log Σ in the last pass. Large out-of-place
/// outputs (≥ <see cref="StreamingMinFloats"/>) are written with non-temporal stores.
/// </summary>
internal static unsafe class SoftmaxRowsAvx2
{
    /// <summary>
    /// Longest row handled by the transposed short-row kernel: all it takes. It was 40 while that kernel wrote rows with
    /// vmaskmovps; with plain stores it beats the per-row kernel at every length 41…64 (softmax-sweep threshold [log],
    /// Zen 4, 64 KB batches, softmax: 41 1.78 vs 0.89, 48 1.85 vs 1.60, 63 1.85 vs 1.38, 64 1.85 vs 1.65 G el/s;
    /// log-softmax: 41 1.60 vs 0.97, 64 1.76 vs 1.34).
    /// </summary>
    public const int ShortRowMaxCols = SoftmaxShortRowsAvx2.MaxCols;

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
            if (cols <= ShortRowMaxCols)
            {
                SoftmaxShortRowsAvx2.Rows(px, py, rows, cols, log);
                return;
            }
            bool stream = x.Length >= StreamingMinFloats && cols >= StreamingMinCols && px != py && ((nint)py & 3) == 0;
            if (!stream && rows >= 2 && cols <= SoftmaxRowPipeline.MaxCols)
            {
                SoftmaxRowPipeline.Rows<SoftmaxRowKernelsAvx2>(px, py, rows, cols, log);
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
        float max = SoftmaxRowKernelsAvx2.RowMax(x, n);
        if (log)
        {
            double sum = SoftmaxRowKernelsAvx2.SumExpMinusMax(x, n, max);
            float logSum = (float)Math.Log(sum);
            if (scratch != null) SoftmaxRowKernelsAvx2.SubtractMaxAndLogSumStreaming(x, y, n, max, logSum);
            else SoftmaxRowKernelsAvx2.SubtractMaxAndLogSum(x, y, n, max, logSum);
        }
        else if (scratch != null && n <= ScratchFloats)
        {
            double sum = SoftmaxRowKernelsAvx2.StoreExpMinusMax(x, scratch, n, max);
            SoftmaxRowKernelsAvx2.ScaleStreaming(scratch, y, n, (float)(1.0 / sum));
        }
        else
        {
            double sum = SoftmaxRowKernelsAvx2.StoreExpMinusMax(x, y, n, max);
            SoftmaxRowKernelsAvx2.Scale(y, n, (float)(1.0 / sum));
        }
    }
}
