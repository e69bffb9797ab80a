using System.Diagnostics;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Benchmarks;

/// <summary>A quick side-by-side GFLOPS table (Stopwatch, best of a few runs) for a shared, noisy machine.</summary>
internal static class GemmSweep
{
    public static void Run(string[] args)
    {
        Console.WriteLine($"ISA: {KernelPaths.IsaSummary()}");
        Console.WriteLine($"OpenBLAS: {(OpenBlas.IsAvailable ? OpenBlas.Config : "not available")}");
        double peak256 = MachineLimits.FmaPeakGflops256(), peak512 = MachineLimits.FmaPeakGflops512();
        Console.WriteLine($"FMA peak: {peak256:F1} GFLOPS (256-bit), {peak512:F1} GFLOPS (512-bit); read {MachineLimits.ReadBandwidthGBs():F1} GB/s, copy {MachineLimits.CopyBandwidthGBs():F1} GB/s");
        OpenBlas.SetThreads(1);
        if (OpenBlas.IsAvailable)
        {
            int n = 512;
            float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
            new Random(1).NextBytes(new byte[1]);
            for (int i = 0; i < a.Length; i++) { a[i] = (i % 7) * 0.1f; b[i] = (i % 5) * 0.2f; }
            double best = double.MaxValue;
            for (int r = 0; r < 5; r++)
            {
                long t = Stopwatch.GetTimestamp();
                OpenBlas.Sgemm(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
                best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalSeconds);
            }
            Console.WriteLine($"OpenBLAS 512^3: {2.0 * n * n * n / best / 1e9:F1} GFLOPS");
        }
    }
}
