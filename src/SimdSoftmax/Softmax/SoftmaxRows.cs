using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>What an ISA supplies to <see cref="SoftmaxRows{TIsa, V}"/>: its short-row kernels and where they stop.</summary>
internal unsafe interface ISoftmaxIsa
{
    /// <summary>Longest row the ISA's short-row kernels take (see <see cref="Tuning.SoftmaxShortRowMaxCols"/>).</summary>
    static abstract int SoftmaxShortRowMaxCols { get; }

    /// <summary>Softmax (or log-softmax) of rows of at most <see cref="SoftmaxShortRowMaxCols"/> floats; y may be x.</summary>
    static abstract void SoftmaxShortRows(float* x, float* y, int rows, int cols, bool log);
}

/// <summary>
/// Softmax / log-softmax over rows on one ISA: the driver that picks the kernel by row length and batch size. Rows of
/// at most <see cref="ISoftmaxIsa.SoftmaxShortRowMaxCols"/> go to the ISA's short-row kernels; longer rows (two or more,
/// up to <see cref="SoftmaxRowPipeline.MaxCols"/>) to the row pipeline over <see cref="SoftmaxLongRowKernels{T, V}"/>,
/// except in batches out of cache (<see cref="Tuning.StreamingMinFloats"/>) with rows longer than
/// <see cref="Tuning.RowPipelineOutOfCacheMaxCols"/>; the rest (a single row, rows longer than the pipeline takes, those
/// large batches) one row at a time through the same kernels, so every choice gives the same bits. Large out-of-place
/// log-softmax outputs of rows of at least <see cref="Tuning.LogSoftmaxStreamingMinCols"/> are written with
/// non-temporal stores.
/// </summary>
internal static unsafe class SoftmaxRows<TIsa, V> where TIsa : struct, ISoftmaxIsa, IVectorOps<V> where V : struct
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Rows(ReadOnlySpan<float> x, Span<float> y, int cols, bool log)
    {
        Debug.Assert(cols > 0 && x.Length % cols == 0 && y.Length == x.Length);
        int rows = x.Length / cols;
        if (rows == 0) return;
        fixed (float* px = x, py = y)
        {
            if (cols <= TIsa.SoftmaxShortRowMaxCols)
            {
                TIsa.SoftmaxShortRows(px, py, rows, cols, log);
                return;
            }
            bool large = x.Length >= Tuning.StreamingMinFloats;
            bool stream = log && large && cols >= Tuning.LogSoftmaxStreamingMinCols && px != py && ((nint)py & 3) == 0;
            if (!stream && rows >= 2 && cols <= SoftmaxRowPipeline.MaxCols && !(large && cols > Tuning.RowPipelineOutOfCacheMaxCols))
            {
                SoftmaxRowPipeline.Rows<SoftmaxLongRowKernels<TIsa, V>>(px, py, rows, cols, log);
                return;
            }
            for (int r = 0; r < rows; r++)
            {
                nint offset = (nint)r * cols;
                Row(px + offset, py + offset, cols, log, stream, NextRow(px + offset + cols, r + 1 < rows, stream));
            }
            if (stream) Sse.StoreFence();
        }
    }

    /// <summary>
    /// The row to prefetch while the current one is exponentiated (<see cref="Row"/>'s <c>next</c>): the following row,
    /// when there is one and the output streams (<see cref="Tuning.LongRowPrefetch"/>); otherwise null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float* NextRow(float* next, bool exists, bool stream) => exists && stream && Tuning.LongRowPrefetch ? next : null;

    /// <summary>
    /// One row of n elements at x into y (y may be x). With <paramref name="stream"/>, log-softmax's output is written
    /// with non-temporal stores and the caller fences; softmax ignores it (its exponentials go through y, and staging
    /// them to stream the scaled row measured slower: see <see cref="Tuning.LogSoftmaxStreamingMinCols"/>). With
    /// <paramref name="next"/>, the n floats there (the next row's input) are prefetched during the exp pass; the
    /// results are the same bits either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row(float* x, float* y, nint n, bool log, bool stream = false, float* next = null)
    {
        float max = SoftmaxLongRowKernels<TIsa, V>.RowMax(x, n);
        if (log)
        {
            double sum = SoftmaxLongRowKernels<TIsa, V>.SumExpMinusMax(x, n, max, next);
            float logSum = (float)Math.Log(sum);
            if (stream) SoftmaxLongRowKernels<TIsa, V>.SubtractMaxAndLogSumStreaming(x, y, n, max, logSum);
            else SoftmaxLongRowKernels<TIsa, V>.SubtractMaxAndLogSum(x, y, n, max, logSum);
        }
        else
        {
            double sum = SoftmaxLongRowKernels<TIsa, V>.StoreExpMinusMax(x, y, n, max, next);
            SoftmaxLongRowKernels<TIsa, V>.Scale(y, n, (float)(1.0 / sum));
        }
    }
}
