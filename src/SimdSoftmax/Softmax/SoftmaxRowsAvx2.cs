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
            if (!stream && rows >= 2 && cols <= SoftmaxRowKernelsAvx2.SumBlock)
            {
                PipelinedRows(px, py, rows, cols, log);
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
    /// Softmax or log-softmax of <paramref name="rows"/> (≥ 2) rows of n ≤ <see cref="SoftmaxRowKernelsAvx2.SumBlock"/> floats, software
    /// pipelined across rows: each sweep finishes row r − 1 (scale, or subtract max and log Σ), exponentiates row r and
    /// takes the max of row r + 1 (<see cref="SoftmaxRowKernelsAvx2.FinishExpMax"/>), so the max and finishing passes ride along with
    /// the exp's arithmetic instead of costing sweeps of their own. Bitwise the same as <see cref="Row"/> row by row; y may
    /// be x (rows are disjoint, and each row is read by the max and exp parts before the finishing part writes it).
    /// </summary>
    public static void PipelinedRows(float* x, float* y, int rows, nint n, bool log)
    {
        if (log) PipelinedRows<FlagOn>(x, y, rows, n);
        else PipelinedRows<FlagOff>(x, y, rows, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PipelinedRows<TLog>(float* x, float* y, int rows, nint n) where TLog : struct, ICompileTimeFlag
    {
        Debug.Assert(rows >= 2 && n > 0 && n <= SoftmaxRowKernelsAvx2.SumBlock);
        bool log = TLog.Value;
        float max = SoftmaxRowKernelsAvx2.RowMax(x, n), previousMax;
        double sum = SoftmaxRowKernelsAvx2.FinishExpMax<TLog, FlagOff, FlagOn>(null, null, 0f, 0f, x, y, max, x + n, n, out float nextMax);
        for (int r = 1; r < rows; r++)
        {
            nint o = r * n;
            previousMax = max;
            max = nextMax;
            // Row r − 1's finishing constants: 1/Σ for softmax; max and log Σ for log-softmax.
            float a = log ? previousMax : (float)(1.0 / sum), b = log ? (float)Math.Log(sum) : 0f;
            sum = r + 1 < rows
                ? SoftmaxRowKernelsAvx2.FinishExpMax<TLog, FlagOn, FlagOn>(x + o - n, y + o - n, a, b, x + o, y + o, max, x + o + n, n, out nextMax)
                : SoftmaxRowKernelsAvx2.FinishExpMax<TLog, FlagOn, FlagOff>(x + o - n, y + o - n, a, b, x + o, y + o, max, null, n, out _);
        }
        nint last = (rows - 1) * n;
        if (log) SoftmaxRowKernelsAvx2.SubtractMaxAndLogSum(x + last, y + last, n, max, (float)Math.Log(sum));
        else SoftmaxRowKernelsAvx2.Scale(y + last, n, (float)(1.0 / sum));
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
