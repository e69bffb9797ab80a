namespace SimdSoftmax;

public static partial class SoftmaxCrossEntropy
{
    /// <summary>Mean cross-entropy loss of a row-strided matrix of logits against integer labels, optionally on several threads.</summary>
    /// <param name="logits">Row r is logits[r·ldLogits .. r·ldLogits + cols). Needs at least (rows−1)·ldLogits + cols elements; longer spans (pooled buffers) are fine.</param>
    /// <param name="ldLogits">Row stride of logits (leading dimension), at least max(1, cols).</param>
    /// <param name="labels">The true class of each row, each in [0, cols); exactly rows long.</param>
    /// <param name="rows">Number of rows N, ≥ 0. With 0 rows the loss is 0 and any cols ≥ 0 is valid.</param>
    /// <param name="cols">Number of classes C (the row length), ≥ 1 when there are rows.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only (allocates nothing), k = at most k threads. The row losses
    /// are summed in double per chunk of rows (chunks fixed by the shape) and the chunk sums added in chunk order, so the result
    /// is bitwise the same for every value. With one chunk (rows ≤ max(1, 16384 / cols)) it equals the contiguous overload bit for bit; with more, the loss may differ from it in the last bit.</param>
    /// <returns>The mean loss over the rows.</returns>
    /// <exception cref="ArgumentOutOfRangeException">rows, cols or threads is negative, cols is 0 with rows, the stride is below max(1, cols), the extent overflows, or a label is outside [0, cols).</exception>
    /// <exception cref="ArgumentException">logits is too short for its rows and stride, or labels is not rows long.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float Loss(ReadOnlySpan<float> logits, int ldLogits, ReadOnlySpan<int> labels, int rows, int cols,
        KernelPath path = KernelPath.Auto, int threads = 0)
    {
        logits = ValidateStrided(logits, ldLogits, labels, rows, cols, threads);
        return RunStrided(KernelPaths.Resolve(path), logits, ldLogits, labels, default, 0, rows, cols, threads, gradient: false);
    }

    /// <summary>Mean cross-entropy loss and its gradient <c>(softmax(s) − onehot(y)) / N</c> on row-strided matrices, optionally on several threads.</summary>
    /// <param name="logits">Row r is logits[r·ldLogits .. r·ldLogits + cols). Needs at least (rows−1)·ldLogits + cols elements; longer spans (pooled buffers) are fine.</param>
    /// <param name="ldLogits">Row stride of logits (leading dimension), at least max(1, cols).</param>
    /// <param name="labels">The true class of each row, each in [0, cols); exactly rows long; must not overlap dLogits.</param>
    /// <param name="dLogits">Output gradient, row r at dLogits[r·ldDLogits ..]; elements between cols and the stride, and past the
    /// last row, are never touched. May be logits itself (same start and stride: in place); must not otherwise overlap it.</param>
    /// <param name="ldDLogits">Row stride of dLogits, at least max(1, cols).</param>
    /// <param name="rows">Number of rows N, ≥ 0. With 0 rows the loss is 0, nothing is written, and any cols ≥ 0 is valid.</param>
    /// <param name="cols">Number of classes C (the row length), ≥ 1 when there are rows.</param>
    /// <param name="path">Which implementation runs; <see cref="KernelPath.Auto"/> picks the best one.</param>
    /// <param name="threads">0 = automatic, 1 = the calling thread only (allocates nothing), k = at most k threads; the loss and
    /// the gradient are bitwise the same for every value (see <see cref="Loss(ReadOnlySpan{float}, int, ReadOnlySpan{int}, int, int, KernelPath, int)"/>).</param>
    /// <returns>The mean loss over the rows.</returns>
    /// <exception cref="ArgumentOutOfRangeException">rows, cols or threads is negative, cols is 0 with rows, a stride is below max(1, cols), an extent overflows, or a label is outside [0, cols).</exception>
    /// <exception cref="ArgumentException">A span is too short for its rows and stride, labels is not rows long, dLogits partly overlaps logits, or dLogits overlaps labels.</exception>
    /// <exception cref="PlatformNotSupportedException">An explicit <paramref name="path"/> this CPU cannot run.</exception>
    public static float LossAndGradient(ReadOnlySpan<float> logits, int ldLogits, ReadOnlySpan<int> labels,
        Span<float> dLogits, int ldDLogits, int rows, int cols, KernelPath path = KernelPath.Auto, int threads = 0)
    {
        logits = ValidateStrided(logits, ldLogits, labels, rows, cols, threads);
        dLogits = RowMatrix.Slice(dLogits, rows, cols, ldDLogits, nameof(dLogits), nameof(ldDLogits));
        Require.SameOrNoOverlap(logits, dLogits, nameof(logits), nameof(dLogits));
        Require.NoOverlap(labels, dLogits, nameof(labels), nameof(dLogits));
        return RunStrided(KernelPaths.Resolve(path), logits, ldLogits, labels, dLogits, ldDLogits, rows, cols, threads, gradient: true);
    }

    private static ReadOnlySpan<float> ValidateStrided(ReadOnlySpan<float> logits, int ldLogits, ReadOnlySpan<int> labels, int rows, int cols, int threads)
    {
        RowMatrix.Shape(rows, cols, threads);
        logits = RowMatrix.Slice(logits, rows, cols, ldLogits, nameof(logits), nameof(ldLogits));
        Require.Length(labels.Length, rows, nameof(labels));
        Require.Labels(labels, cols, nameof(labels));
        return logits;
    }

    private static unsafe float RunStrided(KernelPath path, ReadOnlySpan<float> logits, int ld, ReadOnlySpan<int> labels,
        Span<float> dLogits, int ldg, int rows, int cols, int threads, bool gradient)
    {
        if (rows == 0) return 0f;
        int chunkRows = RowChunks.ChunkRows(rows, cols);
        int chunks = RowChunks.Count(rows, chunkRows);
        int workers = RowChunks.Workers(threads, chunks, (long)rows * cols);
        double* partial = stackalloc double[RowChunks.MaxChunks];
        fixed (float* s = logits)
        fixed (int* y = labels)
        fixed (float* g = dLogits)
        {
            var work = new CrossEntropyChunk
            {
                S = s, Labels = y, G = gradient ? g : null, Partial = partial, Ld = ld, Ldg = ldg,
                Rows = rows, Cols = cols, ChunkRows = chunkRows, Scale = 1.0 / rows, Path = path,
            };
            RowChunks.Run(work, chunks, workers);
        }
        double total = 0;
        for (int c = 0; c < chunks; c++) total += partial[c];
        // The contiguous overloads' final step on each path, so a batch of one chunk gives their bits exactly.
        return path == KernelPath.Scalar ? (float)(total * (1.0 / rows)) : (float)(total / rows);
    }

    private unsafe struct CrossEntropyChunk : IRowChunkWork
    {
        public float* S, G;
        public int* Labels;
        public double* Partial;
        public int Ld, Ldg, Rows, Cols, ChunkRows;
        public double Scale;
        public KernelPath Path;

        public readonly void Run(int chunk)
        {
            int r0 = chunk * ChunkRows, n = Math.Min(ChunkRows, Rows - r0);
            float* s = S + (nint)r0 * Ld;
            float* g = G == null ? null : G + (nint)r0 * Ldg;
            double sum = 0;
            if (Path == KernelPath.Scalar)
            {
                for (int r = 0; r < n; r++)
                    sum += SoftmaxCrossEntropyScalar.RowLoss(new ReadOnlySpan<float>(s + (nint)r * Ld, Cols), Labels[r0 + r],
                        g == null ? default : new Span<float>(g + (nint)r * Ldg, Cols), Scale);
            }
            else sum = SoftmaxCrossEntropy.Rows(Path, s, Labels + r0, n, Cols, Ld, g, Ldg, (float)Scale);
            Partial[chunk] = sum;
        }
    }
}
