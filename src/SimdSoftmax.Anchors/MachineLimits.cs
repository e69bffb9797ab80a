using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SimdSoftmax.Anchors;

/// <summary>
/// What this machine can do, measured here and now (single thread): the FMA peak per vector width and the memory
/// bandwidths, timed with the thread's CPU clock (<see cref="ThreadCpuClock"/>). Kernels are reported as a fraction of these. Each measurement takes well under a second; the best of a few
/// repetitions is kept, since a shared machine only ever makes a run slower.
/// </summary>
public static class MachineLimits
{
    /// <summary>Peak single-precision GFLOPS of 256-bit FMAs (12 independent chains, 2 flops per lane), or 0 when not accelerated.</summary>
    public static double FmaPeakGflops256() => Vector256.IsHardwareAccelerated ? BestOf(5, () => FmaChains256(4_000_000, Seed)) : 0;

    /// <summary>Peak single-precision GFLOPS of 512-bit FMAs (12 independent chains), or 0 when not accelerated.</summary>
    public static double FmaPeakGflops512() => Vector512.IsHardwareAccelerated ? BestOf(5, () => FmaChains512(2_000_000, Seed)) : 0;

    /// <summary>Read bandwidth in GB/s: a vector sum over a 128 MiB buffer.</summary>
    public static double ReadBandwidthGBs()
    {
        float[] buffer = Buffer(128);
        return BestOf(3, () =>
        {
            double start = ThreadCpuClock.Seconds();
            float sink = SumVectors(buffer);
            double s = ThreadCpuClock.Seconds() - start;
            s_sink = sink;
            return buffer.Length * 4.0 / s / 1e9;
        });
    }

    /// <summary>Copy bandwidth in GB/s (bytes read + bytes written per second) between two 64 MiB buffers.</summary>
    public static double CopyBandwidthGBs()
    {
        float[] src = Buffer(64), dst = Buffer(64);
        return BestOf(3, () =>
        {
            double start = ThreadCpuClock.Seconds();
            src.AsSpan().CopyTo(dst);
            double s = ThreadCpuClock.Seconds() - start;
            return 2.0 * src.Length * 4.0 / s / 1e9;
        });
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

    // The timer calls stay outside the loop's method: vectors live across a call are kept on the stack, not in registers.
    private static double FmaChains256(int iterations, float seed)
    {
        double start = ThreadCpuClock.Seconds();
        s_sink = FmaLoop256(iterations, seed); // observable, so the chains are not dead code
        double s = ThreadCpuClock.Seconds() - start;
        return 12.0 * 2 * Vector256<float>.Count * iterations / s / 1e9;
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

    // The timer calls stay outside the loop's method: vectors live across a call are kept on the stack, not in registers.
    private static double FmaChains512(int iterations, float seed)
    {
        double start = ThreadCpuClock.Seconds();
        s_sink = FmaLoop512(iterations, seed); // observable, so the chains are not dead code
        double s = ThreadCpuClock.Seconds() - start;
        return 12.0 * 2 * Vector512<float>.Count * iterations / s / 1e9;
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
    private static float SumVectors(float[] buffer)
    {
        ref float p = ref MemoryMarshal.GetArrayDataReference(buffer);
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
