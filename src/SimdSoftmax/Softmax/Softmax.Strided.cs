using System.Runtime.Intrinsics;

namespace SimdSoftmax;

public static partial class Softmax
{
    /// <summary>
    /// Softmax of each row of a row-strided matrix, optionally on several threads:
    /// <c>y[r, j] = exp(x[r, j] − max_r) / Σ_j exp(x[r, j] − max_r)</c>.
    /// </summary>
    /// <param name="x">Input rows: row r is x[r·ldx .. r·ldx + cols). Needs at least (rows−1)·ldx + cols elements; longer spans (pooled buffers) are fine.</param>
    /// <param name="ldx">Row stride of x (leading dimension), at least max(1, cols).</param>
    /// <param name="y">Output rows: row r is y[r·ldy .. r·ldy + cols); elements between cols and ldy, and past the last row, are never touched.
    /// May be x itself (same start and same stride: in place); must not otherwise overlap it.</param>
    /// <param name="ldy">Row stride of y, at least max(1, cols).</param>
    /// <param name="rows">Number of rows, ≥ 0. With 0 rows nothing is read or written and any cols ≥ 0 is valid.</param>
    /// <param name="cols">Row length, ≥ 1 when there are rows.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic (the calling thread below 2^20 floats, every core above), 1 = the calling thread only
    /// (allocates nothing), k = at most k threads. Rows are split at row boundaries into chunks that depend only on the shape,
    /// so the result is bitwise the same for every value.</param>
    /// <exception cref="ArgumentOutOfRangeException">rows, cols or threads is negative, cols is 0 with rows, a stride is below max(1, cols), or the extent overflows.</exception>
    /// <exception cref="ArgumentException">A span is too short for its rows and stride, or y partly overlaps x.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static void Rows(ReadOnlySpan<float> x, int ldx, Span<float> y, int ldy, int rows, int cols,
        KernelPath path = KernelPath.Auto, int threads = 0) =>
        RunStrided(x, ldx, y, ldy, rows, cols, path, threads, log: false);

    /// <summary>
    /// Log-softmax of each row of a row-strided matrix, optionally on several threads:
    /// <c>y[r, j] = x[r, j] − max_r − log Σ_j exp(x[r, j] − max_r)</c>.
    /// </summary>
    /// <param name="x">Input rows: row r is x[r·ldx .. r·ldx + cols). Needs at least (rows−1)·ldx + cols elements; longer spans (pooled buffers) are fine.</param>
    /// <param name="ldx">Row stride of x (leading dimension), at least max(1, cols).</param>
    /// <param name="y">Output rows: row r is y[r·ldy .. r·ldy + cols); elements between cols and ldy, and past the last row, are never touched.
    /// May be x itself (same start and same stride: in place); must not otherwise overlap it.</param>
    /// <param name="ldy">Row stride of y, at least max(1, cols).</param>
    /// <param name="rows">Number of rows, ≥ 0. With 0 rows nothing is read or written and any cols ≥ 0 is valid.</param>
    /// <param name="cols">Row length, ≥ 1 when there are rows.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only (allocates nothing), k = at most k threads; the result is bitwise the same for every value.</param>
    /// <exception cref="ArgumentOutOfRangeException">rows, cols or threads is negative, cols is 0 with rows, a stride is below max(1, cols), or the extent overflows.</exception>
    /// <exception cref="ArgumentException">A span is too short for its rows and stride, or y partly overlaps x.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static void LogRows(ReadOnlySpan<float> x, int ldx, Span<float> y, int ldy, int rows, int cols,
        KernelPath path = KernelPath.Auto, int threads = 0) =>
        RunStrided(x, ldx, y, ldy, rows, cols, path, threads, log: true);

    private static unsafe void RunStrided(ReadOnlySpan<float> x, int ldx, Span<float> y, int ldy, int rows, int cols,
        KernelPath path, int threads, bool log)
    {
        RowMatrix.Shape(rows, cols, threads);
        x = RowMatrix.Slice(x, rows, cols, ldx, nameof(x), nameof(ldx));
        y = RowMatrix.Slice(y, rows, cols, ldy, nameof(y), nameof(ldy));
        Require.SameOrNoOverlap(x, y, nameof(x), nameof(y));
        KernelPath resolved = KernelPaths.Resolve(path);
        if (rows == 0) return;
        int chunkRows = RowChunks.ChunkRows(rows, cols);
        int chunks = RowChunks.Count(rows, chunkRows);
        long floats = (long)rows * cols;
        int workers = RowChunks.Workers(threads, chunks, floats);
        fixed (float* px = x, py = y)
        {
            // Decided on the whole call, so every chunk (and so every thread count) takes the same kernels.
            bool stream = floats >= Tuning.StreamingMinFloats;
            var work = new SoftmaxChunk { X = px, Ldx = ldx, Y = py, Ldy = ldy, Rows = rows, Cols = cols, ChunkRows = chunkRows, Log = log, Stream = stream, Path = resolved };
            RowChunks.Run(work, chunks, workers);
        }
    }

    private unsafe struct SoftmaxChunk : IRowChunkWork
    {
        public float* X, Y;
        public int Ldx, Ldy, Rows, Cols, ChunkRows;
        public bool Log, Stream;
        public KernelPath Path;

        public readonly void Run(int chunk)
        {
            int r0 = chunk * ChunkRows, n = Math.Min(ChunkRows, Rows - r0);
            float* x = X + (nint)r0 * Ldx, y = Y + (nint)r0 * Ldy;
            switch (Path)
            {
                case KernelPath.Avx512: SoftmaxRowsStrided<Avx512Isa, Vector512<float>>.Rows(x, Ldx, y, Ldy, n, Cols, Log, Stream); break;
                case KernelPath.Avx2: SoftmaxRowsStrided<Avx2Isa, Vector256<float>>.Rows(x, Ldx, y, Ldy, n, Cols, Log, Stream); break;
                default:
                    for (int r = 0; r < n; r++)
                        SoftmaxScalar.Rows(new ReadOnlySpan<float>(x + (nint)r * Ldx, Cols), new Span<float>(y + (nint)r * Ldy, Cols), Cols, Log);
                    break;
            }
        }
    }
}
