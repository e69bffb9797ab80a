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
/// Softmax / log-softmax over rows on one ISA: the driver that picks the kernel by row length. Rows of at most
/// <see cref="ISoftmaxIsa.SoftmaxShortRowMaxCols"/> go to the ISA's short-row kernels; longer rows (two or more, up to
/// <see cref="SoftmaxRowPipeline.MaxCols"/>) to the row pipeline over <see cref="SoftmaxLongRowKernels{T, V}"/>; the
/// rest (a single row, rows longer than the pipeline takes, or a streamed output) one row at a time through the same
/// kernels. Large out-of-place outputs (see <see cref="Tuning.StreamingMinFloats"/>) are written with non-temporal stores.
/// </summary>
internal static unsafe class SoftmaxRows<TIsa, V> where TIsa : struct, ISoftmaxIsa, IVectorOps<V> where V : struct
{
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
            if (cols <= TIsa.SoftmaxShortRowMaxCols)
            {
                TIsa.SoftmaxShortRows(px, py, rows, cols, log);
                return;
            }
            bool stream = x.Length >= Tuning.StreamingMinFloats && cols >= Tuning.StreamingMinCols && px != py && ((nint)py & 3) == 0;
            if (!stream && rows >= 2 && cols <= SoftmaxRowPipeline.MaxCols)
            {
                SoftmaxRowPipeline.Rows<SoftmaxLongRowKernels<TIsa, V>>(px, py, rows, cols, log);
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
        float max = SoftmaxLongRowKernels<TIsa, V>.RowMax(x, n);
        if (log)
        {
            double sum = SoftmaxLongRowKernels<TIsa, V>.SumExpMinusMax(x, n, max);
            float logSum = (float)Math.Log(sum);
            if (scratch != null) SoftmaxLongRowKernels<TIsa, V>.SubtractMaxAndLogSumStreaming(x, y, n, max, logSum);
            else SoftmaxLongRowKernels<TIsa, V>.SubtractMaxAndLogSum(x, y, n, max, logSum);
        }
        else if (scratch != null && n <= ScratchFloats)
        {
            double sum = SoftmaxLongRowKernels<TIsa, V>.StoreExpMinusMax(x, scratch, n, max);
            SoftmaxLongRowKernels<TIsa, V>.ScaleStreaming(scratch, y, n, (float)(1.0 / sum));
        }
        else
        {
            double sum = SoftmaxLongRowKernels<TIsa, V>.StoreExpMinusMax(x, y, n, max);
            SoftmaxLongRowKernels<TIsa, V>.Scale(y, n, (float)(1.0 / sum));
        }
    }
}
