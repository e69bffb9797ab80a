namespace SimdSoftmax.Tests;

/// <summary>
/// The persistent worker set behind the row-parallel entries (<see cref="RowChunks"/>, <see cref="RowWorkers"/>): every
/// chunk runs exactly once whoever runs it, a parallel call allocates nothing on the calling thread, and callers racing
/// for the workers (one gets them, the others run on their own thread) still get the single-thread bits.
/// </summary>
public unsafe class RowWorkersTests
{
    private struct CountChunks : IRowChunkWork
    {
        public int* Counts;
        public int* Threads;

        public readonly void Run(int chunk)
        {
            Interlocked.Increment(ref Counts[chunk]);
            Threads[chunk] = Environment.CurrentManagedThreadId;
            Thread.SpinWait(2000); // long enough that a woken worker finds chunks left
        }
    }

    [Fact]
    public void Every_chunk_runs_exactly_once_for_every_worker_count()
    {
        int[] counts = new int[RowChunks.MaxChunks], threads = new int[RowChunks.MaxChunks];
        bool helped = false;
        fixed (int* pc = counts, pt = threads)
        {
            foreach (int chunks in new[] { 1, 2, 3, 7, 64 })
                foreach (int workers in new[] { 1, 2, 3, 8 })
                    for (int repeat = 0; repeat < 20; repeat++)
                    {
                        Array.Clear(counts);
                        RowChunks.Run(new CountChunks { Counts = pc, Threads = pt }, chunks, workers);
                        for (int c = 0; c < counts.Length; c++)
                            Assert.True(counts[c] == (c < chunks ? 1 : 0), $"chunks={chunks} workers={workers}: chunk {c} ran {counts[c]} times");
                        helped |= threads.Take(chunks).Any(t => t != Environment.CurrentManagedThreadId);
                    }
        }
        // On a machine with 2+ cores the workers must take part; a 1-core machine runs everything on the caller.
        Assert.Equal(RowWorkers.MaxHelpers > 0, helped);
    }

    [Fact]
    public void A_parallel_call_allocates_nothing_on_the_calling_thread()
    {
        const int rows = 2000, cols = 100;
        float[] x = new float[rows * cols], y = new float[rows * cols];
        for (int i = 0; i < x.Length; i++) x[i] = (i * 7919 % 1000) / 100f;
        int[] labels = Enumerable.Range(0, rows).Select(i => i % cols).ToArray();
        long bytes = SteadyState.AllocatedBytes(() =>
        {
            Softmax.Rows(x, cols, y, cols, rows, cols, threads: 2);
            Softmax.LogRows(x, cols, y, cols, rows, cols, threads: 2);
            SoftmaxCrossEntropy.LossAndGradient(x, cols, labels, y, cols, rows, cols, threads: 2);
        });
        Assert.Equal(0, bytes);
    }

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Callers_racing_for_the_workers_get_the_single_thread_bits(KernelPath path)
    {
        Paths.Require(path);
        const int rows = 3000, cols = 37;
        float[] x = new float[rows * cols];
        var rng = new Random(5);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 30 - 15);
        int[] labels = Enumerable.Range(0, rows).Select(i => i * 13 % cols).ToArray();
        float[] y1 = new float[x.Length], g1 = new float[x.Length];
        Softmax.Rows(x, cols, y1, cols, rows, cols, path, threads: 1);
        float loss1 = SoftmaxCrossEntropy.LossAndGradient(x, cols, labels, g1, cols, rows, cols, path, threads: 1);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var callers = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            float[] y = new float[x.Length], g = new float[x.Length];
            for (int i = 0; i < 50; i++)
            {
                Softmax.Rows(x, cols, y, cols, rows, cols, path, threads: 2 + t % 2);
                float loss = SoftmaxCrossEntropy.LossAndGradient(x, cols, labels, g, cols, rows, cols, path, threads: 2 + t % 2);
                if (!System.Runtime.InteropServices.MemoryMarshal.AsBytes(y.AsSpan()).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(y1.AsSpan()))) failures.Add($"caller {t} call {i}: softmax differs");
                if (!System.Runtime.InteropServices.MemoryMarshal.AsBytes(g.AsSpan()).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(g1.AsSpan())) || BitConverter.SingleToInt32Bits(loss) != BitConverter.SingleToInt32Bits(loss1))
                    failures.Add($"caller {t} call {i}: cross-entropy differs");
            }
        })).ToArray();
        foreach (Thread c in callers) c.Start();
        foreach (Thread c in callers) c.Join();
        Assert.Empty(failures);
    }
}
