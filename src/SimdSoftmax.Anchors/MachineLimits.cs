using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax.Anchors;

/// <summary>
/// What this machine can do, measured here and now on 1 or N threads: the FMA peak per vector width and the memory
/// bandwidths. One thread is timed with its CPU clock (<see cref="ThreadCpuClock"/>), N threads in wall time from a
/// common start to the last one's end, as the kernels are. Kernels are reported as a fraction of these. Each
/// measurement takes well under a second; the best of a few repetitions is kept, since a shared machine only ever
/// makes a run slower.
/// </summary>
public static class MachineLimits
{
    /// <summary>Peak single-precision GFLOPS of 256-bit FMAs (12 independent chains per thread, 2 flops per lane), or 0 when not accelerated.</summary>
    public static double FmaPeakGflops256(int threads = 1) => Vector256.IsHardwareAccelerated
        ? BestOf(5, () => 12.0 * 2 * Vector256<float>.Count * FmaIterations(threads, 4_000_000) * threads / Seconds(threads, _ => s_sink = FmaLoop256(FmaIterations(threads, 4_000_000), Seed)) / 1e9)
        : 0;

    /// <summary>Peak single-precision GFLOPS of 512-bit FMAs (12 independent chains per thread), or 0 when not accelerated.</summary>
    public static double FmaPeakGflops512(int threads = 1) => Vector512.IsHardwareAccelerated
        ? BestOf(5, () => 12.0 * 2 * Vector512<float>.Count * FmaIterations(threads, 2_000_000) * threads / Seconds(threads, _ => s_sink = FmaLoop512(FmaIterations(threads, 2_000_000), Seed)) / 1e9)
        : 0;

    /// <summary>
    /// Iterations of an FMA loop: about 7 ms for one thread; 8× that for several, because a new thread can start on a
    /// busy core and the scheduler moves it to the idle one only milliseconds later (on the Zen 4 VM a 7 ms 2-thread
    /// run read 115–172 GFLOPS against 234 for a long one).
    /// </summary>
    private static int FmaIterations(int threads, int oneThread) => threads > 1 ? 8 * oneThread : oneThread;

    /// <summary>Read bandwidth in GB/s: a vector sum over a 128 MiB buffer (each thread its own slice).</summary>
    public static double ReadBandwidthGBs(int threads = 1)
    {
        float[] buffer = Buffer(128);
        int slice = buffer.Length / threads;
        return BestOf(3, () => (double)slice * threads * 4 / Seconds(threads, t => s_sink = SumVectors(buffer.AsSpan(t * slice, slice))) / 1e9);
    }

    /// <summary>Copy bandwidth in GB/s (bytes read + bytes written per second) of <see cref="Span{T}.CopyTo"/> between two 64 MiB buffers.</summary>
    public static double CopyBandwidthGBs(int threads = 1)
    {
        float[] src = Buffer(64), dst = Buffer(64);
        int slice = src.Length / threads;
        return BestOf(3, () => 2.0 * slice * threads * 4 / Seconds(threads, t => src.AsSpan(t * slice, slice).CopyTo(dst.AsSpan(t * slice, slice))) / 1e9);
    }

    /// <summary>
    /// Copy bandwidth in GB/s of a copy that writes with non-temporal (streaming) stores, or 0 without AVX. A streaming
    /// store writes a whole line to memory without first reading it into the cache (no read-for-ownership), so a large
    /// copy moves 2 bytes per byte copied instead of 3. Softmax writes its large outputs this way; where the runtime's
    /// <see cref="Span{T}.CopyTo"/> does not, this is the faster copy and the limit such kernels are measured against.
    /// </summary>
    public static unsafe double CopyNonTemporalGBs(int threads = 1)
    {
        if (!Avx.IsSupported) return 0;
        const int bytes = 64 << 20;
        float* src = (float*)NativeMemory.AlignedAlloc(bytes, 64), dst = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        try
        {
            int count = bytes / 4, slice = count / threads / 32 * 32;
            new Span<float>(src, count).Fill(1f);
            new Span<float>(dst, count).Fill(1f);
            return BestOf(3, () => 2.0 * slice * threads * 4 / Seconds(threads, t => CopyStreaming(src + (nint)t * slice, dst + (nint)t * slice, slice)) / 1e9);
        }
        finally
        {
            NativeMemory.AlignedFree(src);
            NativeMemory.AlignedFree(dst);
        }
    }

    /// <summary>Seconds <paramref name="work"/> takes: on this thread's CPU clock for 1 thread, else in wall time on N threads started together.</summary>
    private static double Seconds(int threads, Action<int> work)
    {
        if (threads <= 1)
        {
            double start = ThreadCpuClock.Seconds();
            work(0);
            return ThreadCpuClock.Seconds() - start;
        }
        // The workers meet at a spinning barrier and stamp their own start and end. A blocking barrier wakes a waiter on
        // the waker's core, from where the scheduler moves it only milliseconds later on this VM (a 2-thread FMA peak then
        // read as 1 thread's); the calling thread, blocked in Join, takes no core from them.
        int arrived = 0;
        var workers = new Thread[threads];
        var starts = new long[threads];
        var ends = new long[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() =>
            {
                Interlocked.Increment(ref arrived);
                var spin = new SpinWait();
                while (Volatile.Read(ref arrived) < threads) spin.SpinOnce(sleep1Threshold: -1);
                starts[id] = Stopwatch.GetTimestamp();
                work(id);
                ends[id] = Stopwatch.GetTimestamp();
            });
            workers[t].Start();
        }
        foreach (Thread w in workers) w.Join();
        return (double)(ends.Max() - starts.Min()) / Stopwatch.Frequency;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void CopyStreaming(float* src, float* dst, int count)
    {
        for (int i = 0; i < count; i += 32)
        {
            Avx.StoreAlignedNonTemporal(dst + i, Avx.LoadAlignedVector256(src + i));
            Avx.StoreAlignedNonTemporal(dst + i + 8, Avx.LoadAlignedVector256(src + i + 8));
            Avx.StoreAlignedNonTemporal(dst + i + 16, Avx.LoadAlignedVector256(src + i + 16));
            Avx.StoreAlignedNonTemporal(dst + i + 24, Avx.LoadAlignedVector256(src + i + 24));
        }
        Sse.StoreFence();
    }

    // Not readonly: a static readonly float would be a JIT-time constant.
    private static float Seed = 1f;
    private static float s_sink;

    private static float[] Buffer(int mebibytes)
    {
        var buffer = new float[mebibytes * 1024 * 256];
        buffer.AsSpan().Fill(1f); // touch every page before timing
        return buffer;
    }

    private static double BestOf(int repetitions, Func<double> measure)
    {
        double best = 0;
        for (int r = 0; r < repetitions; r++) best = Math.Max(best, measure());
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaLoop256(int iterations, float seed)
    {
        // Operands come from a parameter so the JIT cannot constant-fold the chains away.
        Vector256<float> x = Vector256.Create(seed * 0.999999f), y = Vector256.Create(seed * 1e-7f);
        // Distinct starting values, so the JIT cannot merge identical chains (CSE) into one.
        Vector256<float> a0 = Vector256.Create(seed + 0e-2f), a1 = Vector256.Create(seed + 1e-2f), a2 = Vector256.Create(seed + 2e-2f);
        Vector256<float> a3 = Vector256.Create(seed + 3e-2f), a4 = Vector256.Create(seed + 4e-2f), a5 = Vector256.Create(seed + 5e-2f);
        Vector256<float> a6 = Vector256.Create(seed + 6e-2f), a7 = Vector256.Create(seed + 7e-2f), a8 = Vector256.Create(seed + 8e-2f);
        Vector256<float> a9 = Vector256.Create(seed + 9e-2f), a10 = Vector256.Create(seed + 10e-2f), a11 = Vector256.Create(seed + 11e-2f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        Vector256<float> sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return sum.ToScalar();
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaLoop512(int iterations, float seed)
    {
        // Operands come from a parameter so the JIT cannot constant-fold the chains away.
        Vector512<float> x = Vector512.Create(seed * 0.999999f), y = Vector512.Create(seed * 1e-7f);
        // Distinct starting values, so the JIT cannot merge identical chains (CSE) into one.
        Vector512<float> a0 = Vector512.Create(seed + 0e-2f), a1 = Vector512.Create(seed + 1e-2f), a2 = Vector512.Create(seed + 2e-2f);
        Vector512<float> a3 = Vector512.Create(seed + 3e-2f), a4 = Vector512.Create(seed + 4e-2f), a5 = Vector512.Create(seed + 5e-2f);
        Vector512<float> a6 = Vector512.Create(seed + 6e-2f), a7 = Vector512.Create(seed + 7e-2f), a8 = Vector512.Create(seed + 8e-2f);
        Vector512<float> a9 = Vector512.Create(seed + 9e-2f), a10 = Vector512.Create(seed + 10e-2f), a11 = Vector512.Create(seed + 11e-2f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        Vector512<float> sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return sum.ToScalar();
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float SumVectors(ReadOnlySpan<float> buffer)
    {
        ref float p = ref MemoryMarshal.GetReference(buffer);
        int n = buffer.Length - buffer.Length % 32;
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < n; i += 32)
        {
            s0 += Vector256.LoadUnsafe(ref p, (nuint)i);
            s1 += Vector256.LoadUnsafe(ref p, (nuint)(i + 8));
            s2 += Vector256.LoadUnsafe(ref p, (nuint)(i + 16));
            s3 += Vector256.LoadUnsafe(ref p, (nuint)(i + 24));
        }
        return Vector256.Sum(s0 + s1 + s2 + s3);
    }
}
