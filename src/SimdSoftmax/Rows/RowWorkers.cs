using System.Diagnostics;

namespace SimdSoftmax;

/// <summary>
/// The persistent worker threads of the row-parallel entries: created on the first call that asks for them, then
/// reused, so a parallel call allocates nothing. One call at a time uses them; a call that finds them busy (another
/// thread's call) runs on its own thread, which gives the same bits since the chunks never depend on who runs them.
/// A call publishes its work (a pointer to the caller's struct and a function pointer that runs one chunk of it),
/// releases one permit per helper it wants and takes chunks itself; every holder of a permit takes the next unclaimed
/// chunk until none is left, then checks in; when the caller runs out of chunks it takes back the permits no worker
/// has taken, and returns once every taken permit has checked in, so no worker touches the caller's struct after that.
/// Workers spin briefly between calls (<see cref="SpinMicroseconds"/>) so that back-to-back calls on small batches do
/// not pay for waking a sleeping thread.
/// </summary>
internal static unsafe class RowWorkers
{
    /// <summary>
    /// How long an idle worker polls for the next call before it blocks. Waking a blocked thread costs tens of
    /// microseconds on the Zen 4 VM, as much as a 256 KB batch takes on one core.
    /// </summary>
    private const int SpinMicroseconds = 200;

    private static readonly object s_gate = new();
    private static readonly SemaphoreSlim s_permits = new(0);
    private static readonly ManualResetEventSlim s_done = new(false, spinCount: 0);
    private static readonly long s_spinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
    private static int s_threads;

    private static delegate*<void*, int, void> s_run;
    private static void* s_work;
    private static int s_chunks, s_next, s_pending;

    /// <summary>Worker threads to keep: one fewer than the cores (the caller is the other).</summary>
    public static int MaxHelpers => Math.Max(0, Environment.ProcessorCount - 1);

    /// <summary>
    /// Runs chunks 0..chunks−1 of <paramref name="work"/> on the calling thread and up to <paramref name="helpers"/>
    /// worker threads; false, with nothing run, when another call holds the workers.
    /// </summary>
    public static bool TryRun<TWork>(ref TWork work, int chunks, int helpers) where TWork : unmanaged, IRowChunkWork
    {
        Debug.Assert(helpers >= 1 && helpers <= MaxHelpers && chunks > 1);
        if (!Monitor.TryEnter(s_gate)) return false;
        try
        {
            EnsureThreads(helpers);
            fixed (TWork* p = &work)
            {
                s_run = &RunChunk<TWork>;
                s_work = p;
                s_chunks = chunks;
                s_next = 0;
                Volatile.Write(ref s_pending, helpers);
                s_permits.Release(helpers);
                TakeChunks(p, &RunChunk<TWork>, chunks);
                // Permits no worker has taken yet are taken back: a worker that has not woken by now has nothing left to
                // do, and waiting for it would cost a scheduler wake-up (milliseconds on a busy machine).
                while (s_permits.Wait(0)) Interlocked.Decrement(ref s_pending);
                WaitForCheckIns();
                s_run = null;
                s_work = null;
            }
            return true;
        }
        finally
        {
            Monitor.Exit(s_gate);
        }
    }

    /// <summary>
    /// Waits for the workers holding permits: a short spin (they are usually finishing their last chunk), then blocking
    /// until the last one sets the event. Blocking rather than yielding matters on a busy machine, where the scheduler
    /// runs a woken waiter soon but a yielding one only after every other runnable thread. The event may carry a stale
    /// set from a previous call (set after that call saw the count reach 0), hence the loop on the count.
    /// </summary>
    private static void WaitForCheckIns()
    {
        long until = Stopwatch.GetTimestamp() + s_spinTicks / 8;
        while (Volatile.Read(ref s_pending) != 0 && Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
        while (Volatile.Read(ref s_pending) != 0)
        {
            s_done.Wait();
            s_done.Reset();
        }
    }

    private static void RunChunk<TWork>(void* work, int chunk) where TWork : unmanaged, IRowChunkWork => ((TWork*)work)->Run(chunk);

    private static void TakeChunks(void* work, delegate*<void*, int, void> run, int chunks)
    {
        for (int c; (c = Interlocked.Increment(ref s_next) - 1) < chunks;) run(work, c);
    }

    private static void EnsureThreads(int helpers)
    {
        for (; s_threads < helpers; s_threads++)
            new Thread(WorkerLoop) { IsBackground = true, Name = "SimdSoftmax row worker" }.Start();
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            if (!s_permits.Wait(0))
            {
                long until = Stopwatch.GetTimestamp() + s_spinTicks;
                bool got = false;
                while (!got && Stopwatch.GetTimestamp() < until)
                {
                    Thread.SpinWait(20);
                    got = s_permits.CurrentCount > 0 && s_permits.Wait(0);
                }
                if (!got) s_permits.Wait();
            }
            // The call that released this permit is still waiting for it, so its work is still published.
            TakeChunks(s_work, s_run, s_chunks);
            if (Interlocked.Decrement(ref s_pending) == 0) s_done.Set();
        }
    }
}
