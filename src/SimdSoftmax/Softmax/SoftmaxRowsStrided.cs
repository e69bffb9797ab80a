using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Softmax / log-softmax over rows with row strides on one ISA, for one chunk of a row-parallel call. Dense rows take
/// the same kernels as <see cref="SoftmaxRows{TIsa, V}"/>; strided short rows are gathered into a dense L1 block for the
/// short-row kernels (which take whole rows back to back) and scattered back; strided long rows go one row at a time.
/// Whether the batch counts as large (out of cache: per-row kernels, and non-temporal stores for long rows) is decided
/// by the caller on the whole call (<c>large</c>, see <see cref="Tuning.StreamingMinFloats"/>), so every chunk decides alike.
/// </summary>
internal static unsafe class SoftmaxRowsStrided<TIsa, V> where TIsa : struct, ISoftmaxIsa, IVectorOps<V> where V : struct
{
    /// <summary>Floats of the gather block for strided short rows (16 KB: at least 64 rows of the longest short row).</summary>
    private const int GatherFloats = 4096;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Rows(float* x, int ldx, float* y, int ldy, int rows, int cols, bool log, bool large)
    {
        Debug.Assert(rows > 0 && cols > 0 && ldx >= cols && ldy >= cols);
        bool dense = ldx == cols && ldy == cols;
        if (cols <= TIsa.SoftmaxShortRowMaxCols)
        {
            if (dense || rows == 1)
            {
                TIsa.SoftmaxShortRows(x, y, rows, cols, log);
                return;
            }
            float* block = stackalloc float[GatherFloats];
            int blockRows = GatherFloats / cols;
            for (int r0 = 0; r0 < rows; r0 += blockRows)
            {
                int n = Math.Min(blockRows, rows - r0);
                for (int r = 0; r < n; r++)
                    Buffer.MemoryCopy(x + (nint)(r0 + r) * ldx, block + r * cols, (long)cols * sizeof(float), (long)cols * sizeof(float));
                TIsa.SoftmaxShortRows(block, block, n, cols, log);
                for (int r = 0; r < n; r++)
                    Buffer.MemoryCopy(block + r * cols, y + (nint)(r0 + r) * ldy, (long)cols * sizeof(float), (long)cols * sizeof(float));
            }
            return;
        }
        bool stream = log && large && cols >= Tuning.LogSoftmaxStreamingMinCols && x != y && ((nint)y & 3) == 0;
        if (!stream && dense && rows >= 2 && cols <= SoftmaxRowPipeline.MaxCols && !(large && cols > Tuning.RowPipelineOutOfCacheMaxCols))
        {
            SoftmaxRowPipeline.Rows<SoftmaxLongRowKernels<TIsa, V>>(x, y, rows, cols, log);
            return;
        }
        for (int r = 0; r < rows; r++)
            SoftmaxRows<TIsa, V>.Row(x + (nint)r * ldx, y + (nint)r * ldy, cols, log, stream,
                SoftmaxRows<TIsa, V>.NextRow(x + (nint)(r + 1) * ldx, r + 1 < rows, stream));
        if (stream) Sse.StoreFence();
    }
}
