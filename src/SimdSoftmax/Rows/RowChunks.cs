namespace SimdSoftmax;

/// <summary>One chunk of rows of a row-parallel call; an unmanaged struct, so no call allocates and worker threads reach it by pointer.</summary>
internal interface IRowChunkWork
{
    void Run(int chunk);
}

/// <summary>
/// How the row-parallel entries (softmax, log-softmax, cross-entropy with <c>threads</c>) split a batch. The chunks
/// depend only on the shape, never on the thread count: each chunk is computed by the same kernel calls whatever thread
/// runs it, and the cross-entropy sum adds the chunks' partial sums in chunk order, so every thread count gives the
/// same bits.
/// </summary>
internal static class RowChunks
{
    /// <summary>At most this many chunks: bounds the per-chunk partial sums (a stack buffer) and the scheduling overhead.</summary>
    public const int MaxChunks = 64;

    /// <summary>At least this many floats per chunk (64 KB), so a chunk's kernel call outweighs handing it to a thread.</summary>
    public const int MinChunkFloats = 1 << 14;

    /// <summary>
    /// Below this many floats (4 MB, beyond L2) <c>threads = 0</c> stays on the calling thread. On the Zen 4 development
    /// machine (2 cores, shared with other jobs) 2 threads were 1.4–1.6× faster on 40 MB batches but slower than 1 on
    /// 256 KB and 1 MB batches, where waking a pool thread costs as much as the work; re-measure on a quiet machine.
    /// </summary>
    public const long AutoMinFloats = 1 << 20;

    /// <summary>Rows per chunk for a batch of rows×cols (rows ≥ 1); the last chunk may be shorter.</summary>
    public static int ChunkRows(int rows, int cols)
    {
        long byFloats = Math.Max(1, MinChunkFloats / Math.Max(1, cols));
        long byCount = ((long)rows + MaxChunks - 1) / MaxChunks;
        return (int)Math.Min(rows, Math.Max(byFloats, byCount));
    }

    public static int Count(int rows, int chunkRows) => (int)(((long)rows + chunkRows - 1) / chunkRows);

    /// <summary>Threads to use: the caller's request (0 = automatic) capped by the number of chunks.</summary>
    public static int Workers(int threads, int chunks, long floats)
    {
        int wanted = threads != 0 ? threads : floats >= AutoMinFloats ? Environment.ProcessorCount : 1;
        return Math.Max(1, Math.Min(wanted, chunks));
    }

    /// <summary>
    /// Runs chunks 0..chunks−1 on the calling thread and, with workers ≥ 2, on the persistent worker threads
    /// (<see cref="RowWorkers"/>; at most one fewer than the cores), each taking the next unclaimed chunk. Allocates
    /// nothing (after the workers' first start). When the workers are busy with another thread's call, the chunks run here.
    /// </summary>
    public static void Run<TWork>(TWork work, int chunks, int workers) where TWork : unmanaged, IRowChunkWork
    {
        int helpers = Math.Min(workers - 1, RowWorkers.MaxHelpers);
        if (helpers >= 1 && chunks > 1 && RowWorkers.TryRun(ref work, chunks, helpers)) return;
        for (int c = 0; c < chunks; c++) work.Run(c);
    }
}
